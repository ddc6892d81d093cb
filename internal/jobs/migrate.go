package jobs

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// Migrate brings River's own tables (river_job, river_queue, …) up to the
// version this binary was built with. River versions its schema itself, so
// its migrations run through rivermigrate rather than being copied into
// the store's goose migrations, where a River upgrade would have to be
// transcribed by hand. Each step runs in a transaction.
func Migrate(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	var applied []string
	for _, v := range res.Versions {
		applied = append(applied, fmt.Sprintf("river %03d_%s", v.Version, v.Name))
	}
	return applied, nil
}

// ErrSchemaOutdated means River's tables lack migrations this binary has.
var ErrSchemaOutdated = errors.New("job queue schema is out of date: run 'treffpunkt migrate'")

// CheckSchema reports ErrSchemaOutdated unless River's migrations are all
// applied; a worker refuses to start against an older queue schema.
func CheckSchema(ctx context.Context, pool *pgxpool.Pool) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	res, err := m.Validate(ctx, nil)
	if err != nil {
		return fmt.Errorf("check job queue schema: %w", err)
	}
	if !res.OK {
		return fmt.Errorf("%w (%s)", ErrSchemaOutdated, strings.Join(res.Messages, "; "))
	}
	return nil
}
