package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// pprofFlag is the address of the profiling listener (off by default). It
// is a listener of its own so the profiles never share the public port;
// bind it to loopback.
func pprofFlag(fs *flag.FlagSet) *string {
	return fs.String("pprof", envOr("PPROF_ADDR", ""), "serve Go profiles (net/http/pprof) on this address, e.g. 127.0.0.1:6060 (env PPROF_ADDR; off when empty)")
}

// servePprof runs the profiling listener until ctx ends.
func servePprof(ctx context.Context, addr string) error {
	if addr == "" {
		return nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	slog.Info("profiles", "addr", ln.Addr().String())
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("pprof listener stopped", "err", err)
		}
	}()
	return nil
}
