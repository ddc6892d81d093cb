package search

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// rebuildMargin is how far before the rebuild's start changes are queued
// again after the swap: a transaction that began earlier may commit after
// its events were read, and the drainer sent it to the old index.
const rebuildMargin = 10 * time.Minute

// Rebuild builds a new index from every event in Postgres and swaps it in
// with Meilisearch's atomic index swap, so searches never see a half-built
// index; the old index is deleted afterwards. Events that changed while it
// ran are queued again so the new index gets them too. It returns the
// number of documents written.
func (m *Meili) Rebuild(ctx context.Context) (int, error) {
	started := time.Now()
	tmp := m.cfg.Index + "_rebuild_" + strconv.FormatInt(started.UnixNano(), 36)
	if err := m.ensureIndex(ctx, tmp); err != nil {
		return 0, err
	}
	n, err := m.fill(ctx, tmp)
	if err != nil {
		m.dropQuietly(tmp)
		return n, err
	}
	if err := m.ensureIndex(ctx, m.cfg.Index); err != nil {
		m.dropQuietly(tmp)
		return n, err
	}
	task, err := m.client.SwapIndexesWithContext(ctx, []*meilisearch.SwapIndexesParams{{Indexes: []string{m.cfg.Index, tmp}}})
	if err != nil {
		m.dropQuietly(tmp)
		return n, m.wrap("swap indexes", err)
	}
	if err := m.wait(ctx, task.TaskUID); err != nil {
		m.dropQuietly(tmp)
		return n, fmt.Errorf("swap indexes: %w", err)
	}
	// tmp now holds the old documents.
	m.dropQuietly(tmp)
	return n, store.EnqueueChangedSince(ctx, m.db, started.Add(-rebuildMargin))
}

// fill writes every event that is not merged into index uid, in id order.
func (m *Meili) fill(ctx context.Context, uid string) (int, error) {
	var after int64
	total := 0
	for {
		ids, err := store.UnmergedEventIDs(ctx, m.db, after, m.cfg.BatchSize)
		if err != nil {
			return total, err
		}
		if len(ids) == 0 {
			return total, nil
		}
		if err := m.indexInto(ctx, uid, ids); err != nil {
			return total, err
		}
		total += len(ids)
		after = ids[len(ids)-1]
	}
}

func (m *Meili) dropQuietly(uid string) {
	ctx, cancel := context.WithTimeout(context.Background(), m.cfg.TaskTimeout)
	defer cancel()
	if task, err := m.client.DeleteIndexWithContext(ctx, uid); err == nil {
		_ = m.wait(ctx, task.TaskUID)
	}
}
