package main

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

func init() {
	register("healthcheck", "exit 0 when a Treffpunkt server answers ready (for container health checks)", runHealthcheck)
}

// runHealthcheck exists because the container image has no curl.
func runHealthcheck(ctx context.Context, args []string, io stdio) error {
	fs := newFlagSet("healthcheck", "Request a readiness URL and exit 0 on a 2xx answer.", io.err)
	url := fs.String("url", "http://localhost:8080/readyz", "URL to check")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %s", *url, resp.Status)
	}
	return nil
}
