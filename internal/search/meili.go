package search

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// MeiliConfig says where the Meilisearch index is.
type MeiliConfig struct {
	URL   string // MEILI_URL
	Key   string // MEILI_MASTER_KEY or an API key allowed to manage the index
	Index string // index uid, "events" when empty
	// TaskTimeout bounds the wait for one indexing task (default 30 s).
	TaskTimeout time.Duration
	// BatchSize is the number of documents per upsert request (default 1000).
	BatchSize int
}

// Meili searches a Meilisearch index and loads the events it finds from
// Postgres, which stays the source of truth (and re-checks visibility, so a
// document not yet updated never exposes an unpublished event).
type Meili struct {
	cfg    MeiliConfig
	client meilisearch.ServiceManager
	db     store.DB
	fs     FacetSet
}

// ErrUnreachable is returned when Meilisearch does not answer.
var ErrUnreachable = errors.New("meilisearch unreachable")

// NewMeili connects to Meilisearch, creates the index when missing and
// applies the settings, waiting until they are in force.
func NewMeili(ctx context.Context, cfg MeiliConfig, db store.DB) (*Meili, error) {
	m := newMeiliClient(cfg, db)
	if err := m.Ping(ctx); err != nil {
		return nil, err
	}
	if err := m.ensureIndex(ctx, m.cfg.Index); err != nil {
		return nil, err
	}
	return m, nil
}

func newMeiliClient(cfg MeiliConfig, db store.DB) *Meili {
	if cfg.Index == "" {
		cfg.Index = "events"
	}
	if cfg.TaskTimeout == 0 {
		cfg.TaskTimeout = 30 * time.Second
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 1000
	}
	// Retries are ours (the outbox backs off; searches fall back to
	// Postgres at once), so the client's own are off.
	client := meilisearch.New(cfg.URL, meilisearch.WithAPIKey(cfg.Key), meilisearch.DisableRetries(),
		meilisearch.WithCustomClient(&http.Client{Timeout: 10 * time.Second}))
	return &Meili{cfg: cfg, client: client, db: db, fs: DefaultFacets()}
}

// Ping checks that Meilisearch answers and is healthy.
func (m *Meili) Ping(ctx context.Context) error {
	h, err := m.client.HealthWithContext(ctx)
	if err != nil {
		return fmt.Errorf("%w at %s: %v", ErrUnreachable, m.cfg.URL, err)
	}
	if h.Status != "available" {
		return fmt.Errorf("%w at %s: status %q", ErrUnreachable, m.cfg.URL, h.Status)
	}
	return nil
}

// IndexName is the uid of the live index.
func (m *Meili) IndexName() string { return m.cfg.Index }

// Settings are the index settings applied at start and to every rebuilt
// index. The "sort" rule comes first so an explicit date order is strict
// even with a text query; in relevance order the trailing start/id rules
// break ties by date.
// Every facet's attribute is filterable (the source's too: it is a
// filter-only facet of the registry).
func Settings() *meilisearch.Settings { return DefaultFacets().meiliSettings() }

// WithFacets makes the adapter filter, count and index the facets fs
// instead of DefaultFacets (before the index is created or rebuilt: the
// filterable attributes come from them).
func (m *Meili) WithFacets(fs FacetSet) *Meili {
	m.fs = fs
	return m
}

func (fs FacetSet) meiliSettings() *meilisearch.Settings {
	filterable := []string{"id", "public", "start", "end", "status"}
	for _, fc := range fs {
		filterable = append(filterable, fc.Attr)
	}
	return &meilisearch.Settings{
		SearchableAttributes: []string{"title", "venue", "city", "topic_names", "description"},
		FilterableAttributes: filterable,
		SortableAttributes:   []string{"start", "id"},
		RankingRules:         []string{"sort", "words", "typo", "proximity", "attribute", "exactness", "start:asc", "id:asc"},
		Synonyms:             topicSynonyms(),
		Pagination:           &meilisearch.Pagination{MaxTotalHits: 1_000_000},
		Faceting:             &meilisearch.Faceting{MaxValuesPerFacet: 200},
	}
}

func (m *Meili) ensureIndex(ctx context.Context, uid string) error {
	if _, err := m.client.GetIndexWithContext(ctx, uid); err != nil {
		var me *meilisearch.Error
		if !errors.As(err, &me) || me.StatusCode != http.StatusNotFound {
			return m.wrap("get index "+uid, err)
		}
		task, err := m.client.CreateIndexWithContext(ctx, &meilisearch.IndexConfig{Uid: uid, PrimaryKey: "id"})
		if err != nil {
			return m.wrap("create index "+uid, err)
		}
		if err := m.wait(ctx, task.TaskUID); err != nil {
			return fmt.Errorf("create index %s: %w", uid, err)
		}
	}
	task, err := m.client.Index(uid).UpdateSettingsWithContext(ctx, m.fs.meiliSettings())
	if err != nil {
		return m.wrap("settings of "+uid, err)
	}
	if err := m.wait(ctx, task.TaskUID); err != nil {
		return fmt.Errorf("settings of %s: %w", uid, err)
	}
	return nil
}

// wait blocks until a task has succeeded, failing after TaskTimeout.
func (m *Meili) wait(ctx context.Context, taskUID int64) error {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.TaskTimeout)
	defer cancel()
	task, err := m.client.WaitForTaskWithContext(ctx, taskUID, 50*time.Millisecond)
	if err != nil {
		return m.wrap("wait for task "+strconv.FormatInt(taskUID, 10), err)
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		return fmt.Errorf("meilisearch task %d %s: %s", taskUID, task.Status, task.Error.Message)
	}
	return nil
}

// wrap names the operation and marks communication failures ErrUnreachable.
func (m *Meili) wrap(op string, err error) error {
	var me *meilisearch.Error
	if errors.As(err, &me) && (me.ErrCode == meilisearch.MeilisearchCommunicationError ||
		me.ErrCode == meilisearch.MeilisearchTimeoutError || me.StatusCode >= 500) {
		return fmt.Errorf("meilisearch %s: %w at %s: %v", op, ErrUnreachable, m.cfg.URL, err)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("meilisearch %s: %w at %s: timed out", op, ErrUnreachable, m.cfg.URL)
	}
	return fmt.Errorf("meilisearch %s: %w", op, err)
}

// DropIndex deletes the live index (tests).
func (m *Meili) DropIndex(ctx context.Context) error {
	task, err := m.client.DeleteIndexWithContext(ctx, m.cfg.Index)
	if err != nil {
		return m.wrap("delete index", err)
	}
	return m.wait(ctx, task.TaskUID)
}

// Delete removes events from the index.
func (m *Meili) Delete(ctx context.Context, ids []int64) error {
	return m.deleteFrom(ctx, m.cfg.Index, ids)
}

func (m *Meili) deleteFrom(ctx context.Context, uid string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = strconv.FormatInt(id, 10)
	}
	task, err := m.client.Index(uid).DeleteDocumentsWithContext(ctx, keys, nil)
	if err != nil {
		return m.wrap("delete documents", err)
	}
	return m.wait(ctx, task.TaskUID)
}

// Index reads the events from Postgres and upserts their documents in
// batches; events that no longer exist or were merged are deleted.
func (m *Meili) Index(ctx context.Context, ids []int64) error {
	return m.indexInto(ctx, m.cfg.Index, ids)
}

func (m *Meili) indexInto(ctx context.Context, uid string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	docs, gone, err := loadDocs(ctx, m.db, m.fs, ids)
	if err != nil {
		return err
	}
	if len(docs) > 0 {
		pk := "id"
		tasks, err := m.client.Index(uid).AddDocumentsInBatchesWithContext(ctx, docs, m.cfg.BatchSize, &meilisearch.DocumentOptions{PrimaryKey: &pk})
		if err != nil {
			return m.wrap("upsert documents", err)
		}
		for _, t := range tasks {
			if err := m.wait(ctx, t.TaskUID); err != nil {
				return err
			}
		}
	}
	return m.deleteFrom(ctx, uid, gone)
}
