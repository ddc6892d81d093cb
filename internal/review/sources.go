package review

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/auth"
	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/source"
	"github.com/treffpunkt/treffpunkt/internal/store"
	"github.com/treffpunkt/treffpunkt/scrapers"
)

// checkSource applies the sources file's defaults and validation, and the
// crawler's SSRF guard to the URL. It runs only after the caller's role is
// checked: its messages quote the input and its DNS lookup answers for
// internal names, neither of which is for anonymous callers. ${NAME} is
// not expanded here (only in the sources file read at start-up): a URL
// typed by staff is taken literally, so no message can carry the server's
// environment.
func (s *Service) checkSource(ctx context.Context, src *source.Source) error {
	if _, err := auth.Require(ctx, auth.RoleAdmin); err != nil {
		return err
	}
	src.ApplyDefaults()
	if err := src.Validate(); err != nil {
		return fmt.Errorf("%w: %w", event.ErrInvalid, err)
	}
	if src.AllowPrivate && !s.o.AllowPrivateSources {
		return fmt.Errorf("allow_private is only for the demo and tests: %w", event.ErrInvalid)
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := scrapers.CheckURL(cctx, src.URL, src.AllowPrivate); err != nil {
		return fmt.Errorf("%w: %w", event.ErrInvalid, err)
	}
	return nil
}

// CreateSource adds a source (admin).
func (s *Service) CreateSource(ctx context.Context, src source.Source) error {
	if err := s.checkSource(ctx, &src); err != nil {
		return err
	}
	return s.do(ctx, auth.RoleAdmin, func(tx pgx.Tx, p auth.Principal) error {
		_, err := store.GetSource(ctx, tx, src.ID)
		if err == nil {
			return fmt.Errorf("source %s: %w", src.ID, store.ErrExists)
		}
		if !errors.Is(err, event.ErrNotFound) {
			return err
		}
		if err := store.UpsertSource(ctx, tx, src); err != nil {
			return err
		}
		return audit(ctx, tx, p, "source.create", "source", src.ID, nil, src, src.Name)
	})
}

// UpdateSource replaces a source's settings (admin).
func (s *Service) UpdateSource(ctx context.Context, src source.Source) error {
	if err := s.checkSource(ctx, &src); err != nil {
		return err
	}
	return s.do(ctx, auth.RoleAdmin, func(tx pgx.Tx, p auth.Principal) error {
		before, err := store.GetSource(ctx, tx, src.ID)
		if err != nil {
			return err
		}
		if err := store.UpsertSource(ctx, tx, src); err != nil {
			return err
		}
		return audit(ctx, tx, p, "source.update", "source", src.ID, before.Source, src, src.Name)
	})
}

// SetSourceEnabled disables or re-enables a source (admin). A disabled
// source is not crawled; its events stay.
func (s *Service) SetSourceEnabled(ctx context.Context, id string, enabled bool) error {
	return s.do(ctx, auth.RoleAdmin, func(tx pgx.Tx, p auth.Principal) error {
		before, err := store.GetSource(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := store.SetSourceEnabled(ctx, tx, id, enabled); err != nil {
			return err
		}
		action := "source.disable"
		if enabled {
			action = "source.enable"
		}
		return audit(ctx, tx, p, action, "source", id, map[string]bool{"enabled": before.Enabled},
			map[string]bool{"enabled": enabled}, before.Name)
	})
}

// CrawlNow asks for a crawl of a source (admin): queued in the job queue,
// or started in this process when the service has no queue. queued is
// false when a crawl of the source is already waiting or running.
func (s *Service) CrawlNow(ctx context.Context, id string) (bool, error) {
	var queued bool
	err := s.do(ctx, auth.RoleAdmin, func(tx pgx.Tx, p auth.Principal) error {
		src, err := store.GetSource(ctx, tx, id)
		if err != nil {
			return err
		}
		if !src.Enabled {
			return fmt.Errorf("source %s is disabled: %w", id, event.ErrInvalid)
		}
		if s.o.Enqueue != nil {
			if queued, err = s.o.Enqueue(ctx, tx, id); err != nil {
				return err
			}
		} else {
			queued = s.startCrawl(src.Source)
		}
		return audit(ctx, tx, p, "source.crawl", "source", id, nil, map[string]bool{"queued": queued}, src.Name)
	})
	return queued, err
}

// startCrawl runs a crawl in this process unless one of the source runs.
func (s *Service) startCrawl(src source.Source) bool {
	if s.o.Pipeline == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running[src.ID] || s.ctx.Err() != nil {
		return false
	}
	s.running[src.ID] = true
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		rep := s.o.Pipeline.CrawlSource(s.ctx, src)
		s.o.Logger.Info("staff crawl finished", "source", src.ID, "status", rep.Status, "new", rep.EventsNew)
		s.mu.Lock()
		delete(s.running, src.ID)
		s.mu.Unlock()
	}()
	return true
}

// Crawling reports whether an in-process crawl of the source runs.
func (s *Service) Crawling(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running[id]
}

// AllowsPrivateSources reports whether staff may set allow_private.
func (s *Service) AllowsPrivateSources() bool { return s.o.AllowPrivateSources }
