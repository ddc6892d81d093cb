package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/app"
	"github.com/treffpunkt/treffpunkt/internal/demosites"
)

const demoSitesSummary = "serve the offline mirror of the partner sites (for the demo and tests)"

func init() { register("demo-sites", demoSitesSummary, runDemoSites) }

func runDemoSites(ctx context.Context, args []string, io stdio) error {
	fs := newFlagSet("demo-sites", demoSitesSummary, io.err)
	synthetic := fs.Int("synthetic", 0, "also serve a generated site with this many detail pages under /synthetic/ (crawl benchmark)")
	cfg, err := loadConfig(fs, app.DemoSites, args)
	if err != nil {
		return err
	}
	if *synthetic < 0 {
		return fmt.Errorf("--synthetic %d: want a page count of 0 or more", *synthetic)
	}
	mux := http.NewServeMux()
	mux.Handle("/", demosites.Handler())
	if *synthetic > 0 {
		mux.Handle(demosites.SyntheticPrefix, demosites.Synthetic(*synthetic))
	}
	ln, err := net.Listen("tcp", cfg.DemoAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.DemoAddr, err)
	}
	// Requests get a context that ends at shutdown, so the deliberately slow
	// page lets go instead of holding the shutdown up.
	base, cancelRequests := context.WithCancel(context.Background())
	defer cancelRequests()
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	log, err := app.NewLogger(io.err, os.Getenv)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String() + "/"
	log.Info("serving the partner-site mirror", "url", url, "synthetic_pages", *synthetic)
	if *synthetic > 0 {
		log.Info("serving the synthetic site", "url", url+"synthetic/")
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve %s: %w", url, err)
	case <-ctx.Done():
	}
	cancelRequests()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shut down %s: %w", url, err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve %s: %w", url, err)
	}
	log.Info("mirror stopped")
	return nil
}
