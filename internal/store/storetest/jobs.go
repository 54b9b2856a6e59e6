package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// newJob schedules a job of kind with key at runAt (payload {"n":key}),
// as of base.
func newJob(t *testing.T, s store.Store, kind, key string, runAt time.Time) *lms.Job {
	t.Helper()
	j := &lms.Job{Kind: kind, Key: key, Payload: []byte(`{"n":"` + key + `"}`), RunAt: runAt}
	noErr(t, s.ScheduleJob(ctxOf(t), j, base), "ScheduleJob "+key)
	return j
}

// claimJobs claims up to limit jobs of kinds at now for worker, with a one-minute lease.
func claimJobs(t *testing.T, s store.Store, now time.Time, worker string, limit int, kinds ...string) []*lms.Job {
	t.Helper()
	got, err := s.ClaimDueJobs(ctxOf(t), store.JobClaim{Now: now, Worker: worker, Lease: time.Minute, Kinds: kinds,
		Limit: limit})
	noErr(t, err, "ClaimDueJobs")
	return got
}

// jobKeys returns the keys of jobs, in order.
func jobKeys(jobs []*lms.Job) []string {
	out := make([]string, len(jobs))
	for i, j := range jobs {
		out[i] = j.Key
	}
	return out
}

// jobByKey reads the job with key.
func jobByKey(t *testing.T, s store.Store, key string) *lms.Job {
	t.Helper()
	j, err := s.JobByKey(ctxOf(t), key)
	noErr(t, err, "JobByKey "+key)
	return j
}

var jobTests = map[string]func(*testing.T, store.Store){
	"a scheduled job reads back by key and a missing key is not found": func(t *testing.T, s store.Store) {
		j := newJob(t, s, "mail", "mail:1", base.Add(time.Hour))
		if j.ID == 0 || !j.CreatedAt.Equal(base) || !j.UpdatedAt.Equal(base) {
			t.Fatalf("scheduled %+v: want an id and both times at %v", j, base)
		}
		diff(t, "job", jobByKey(t, s, "mail:1"), j)
		_, err := s.JobByKey(ctxOf(t), "mail:2")
		wantCode(t, err, lms.ENOTFOUND)
	},
	"scheduling a key again replaces the job, keeps its id and revives a failed one": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		first := newJob(t, s, "mail", "k", base)
		got := claimJobs(t, s, base, "w1", 10, "mail")
		noErr(t, s.FailJob(ctx, got[0], "smtp down", base.Add(time.Second)), "FailJob")
		again := &lms.Job{Kind: "remind", Key: "k", Payload: []byte(`{"v":2}`), RunAt: base.Add(2 * time.Hour)}
		noErr(t, s.ScheduleJob(ctx, again, base.Add(time.Minute)), "ScheduleJob again")
		want := &lms.Job{ID: first.ID, Kind: "remind", Key: "k", Payload: []byte(`{"v":2}`), RunAt: base.Add(2 * time.Hour),
			CreatedAt: base, UpdatedAt: base.Add(time.Minute)}
		diff(t, "returned", again, want)
		diff(t, "stored", jobByKey(t, s, "k"), want)
		if got := claimJobs(t, s, base.Add(time.Hour), "w1", 10, "mail", "remind"); len(got) != 0 {
			t.Fatalf("claimed %v before the new time", jobKeys(got))
		}
		if got := claimJobs(t, s, base.Add(2*time.Hour), "w1", 10, "remind"); len(got) != 1 {
			t.Fatalf("claimed %v at the new time, want the revived job", jobKeys(got))
		}
	},
	"a running job is not replaced until its lease runs out": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		newJob(t, s, "mail", "k", base)
		held := claimJobs(t, s, base, "w1", 10, "mail")[0]
		again := &lms.Job{Kind: "mail", Key: "k", Payload: []byte(`{}`), RunAt: base.Add(time.Hour)}
		wantCode(t, s.ScheduleJob(ctx, again, base.Add(30*time.Second)), lms.ECONFLICT)
		if again.ID != 0 {
			t.Fatalf("refused schedule filled the job: %+v", again)
		}
		diff(t, "still running", jobByKey(t, s, "k"), held)
		noErr(t, s.ScheduleJob(ctx, again, base.Add(time.Minute)), "ScheduleJob after the lease")
		got := jobByKey(t, s, "k")
		if got.LockedBy != "" || got.Attempts != 0 || !got.RunAt.Equal(base.Add(time.Hour)) {
			t.Fatalf("after the lease: %+v, want a fresh job at base+1h", got)
		}
		wantCode(t, s.CompleteJob(ctx, held), lms.ENOTFOUND)
	},
	"cancel removes the job and is idempotent": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		newJob(t, s, "mail", "k", base)
		newJob(t, s, "mail", "other", base)
		noErr(t, s.CancelJob(ctx, "k"), "CancelJob")
		noErr(t, s.CancelJob(ctx, "k"), "CancelJob again")
		_, err := s.JobByKey(ctx, "k")
		wantCode(t, err, lms.ENOTFOUND)
		diff(t, "claimed", jobKeys(claimJobs(t, s, base, "w", 10, "mail")), []string{"other"})
	},
	"due jobs are claimed earliest first, up to the limit, of the given kinds only": func(t *testing.T, s store.Store) {
		newJob(t, s, "mail", "late", base.Add(3*time.Second))
		newJob(t, s, "mail", "early", base.Add(time.Second))
		newJob(t, s, "mail", "mid", base.Add(2*time.Second))
		newJob(t, s, "mail", "future", base.Add(time.Hour))
		newJob(t, s, "other", "other", base)
		now := base.Add(10 * time.Second)
		if got := claimJobs(t, s, now, "w", 10); len(got) != 0 {
			t.Fatalf("no kinds claimed %v", jobKeys(got))
		}
		got := claimJobs(t, s, now, "w", 2, "mail")
		diff(t, "first claim", jobKeys(got), []string{"early", "mid"})
		for _, j := range got {
			if j.LockedBy != "w" || !j.LockedUntil.Equal(now.Add(time.Minute)) || j.Attempts != 1 || !j.UpdatedAt.Equal(now) {
				t.Fatalf("claimed %+v: want locked by w until now+1m, attempt 1", j)
			}
			diff(t, "stored claim", jobByKey(t, s, j.Key), j)
		}
		diff(t, "second claim", jobKeys(claimJobs(t, s, now, "w2", 10, "mail")), []string{"late"})
		if got := claimJobs(t, s, now, "w3", 10, "mail"); len(got) != 0 {
			t.Fatalf("claimed %v again while their leases hold", jobKeys(got))
		}
	},
	"an expired lease makes the job claimable again and fences the old claim": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		newJob(t, s, "mail", "k", base)
		old := claimJobs(t, s, base, "dead", 10, "mail")[0]
		if got := claimJobs(t, s, base.Add(59*time.Second), "w", 10, "mail"); len(got) != 0 {
			t.Fatalf("claimed %v before the lease ran out", jobKeys(got))
		}
		now := base.Add(time.Minute)
		taken := claimJobs(t, s, now, "w", 10, "mail")
		if len(taken) != 1 || taken[0].LockedBy != "w" || taken[0].Attempts != 2 {
			t.Fatalf("after the lease: %+v, want the job taken by w on attempt 2", taken)
		}
		wantCode(t, s.CompleteJob(ctx, old), lms.ENOTFOUND)
		wantCode(t, s.RetryJob(ctx, old, "late", now), lms.ENOTFOUND)
		wantCode(t, s.FailJob(ctx, old, "late", now), lms.ENOTFOUND)
		diff(t, "new claim kept", jobByKey(t, s, "k"), taken[0])
		noErr(t, s.CompleteJob(ctx, taken[0]), "CompleteJob")
	},
	"complete deletes, retry reschedules with the error, fail keeps the job unclaimable": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		for _, k := range []string{"ok", "retry", "fail"} {
			newJob(t, s, "mail", k, base)
		}
		got := claimJobs(t, s, base, "w", 10, "mail")
		byKey := map[string]*lms.Job{}
		for _, j := range got {
			byKey[j.Key] = j
		}
		noErr(t, s.CompleteJob(ctx, byKey["ok"]), "CompleteJob")
		noErr(t, s.RetryJob(ctx, byKey["retry"], "timeout", base.Add(time.Hour)), "RetryJob")
		noErr(t, s.FailJob(ctx, byKey["fail"], "bad payload", base.Add(time.Second)), "FailJob")
		_, err := s.JobByKey(ctx, "ok")
		wantCode(t, err, lms.ENOTFOUND)
		r := jobByKey(t, s, "retry")
		if r.LastError != "timeout" || !r.RunAt.Equal(base.Add(time.Hour)) || r.LockedBy != "" || !r.LockedUntil.IsZero() ||
			r.Attempts != 1 || r.Failed() {
			t.Fatalf("retried job %+v", r)
		}
		f := jobByKey(t, s, "fail")
		if f.LastError != "bad payload" || !f.FailedAt.Equal(base.Add(time.Second)) || !f.Failed() || f.LockedBy != "" ||
			f.Attempts != 1 {
			t.Fatalf("failed job %+v", f)
		}
		diff(t, "claimable later", jobKeys(claimJobs(t, s, base.Add(24*time.Hour), "w", 10, "mail")), []string{"retry"})
	},
	"a job scheduled in a rolled-back transaction is gone, in a committed one it is due": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		err := s.InTx(ctx, func(tx store.Store) error {
			noErr(t, tx.ScheduleJob(ctx, &lms.Job{Kind: "mail", Key: "rolled", RunAt: base}, base), "ScheduleJob")
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("InTx: %v, want the rollback error", err)
		}
		noErr(t, s.InTx(ctx, func(tx store.Store) error {
			if err := tx.ScheduleJob(ctx, &lms.Job{Kind: "mail", Key: "kept", RunAt: base}, base); err != nil {
				return err
			}
			_, err := tx.JobByKey(ctx, "kept")
			return err
		}), "InTx")
		diff(t, "claimed", jobKeys(claimJobs(t, s, base, "w", 10, "mail")), []string{"kept"})
	},
	"concurrent claimers never get the same job": func(t *testing.T, s store.Store) {
		const jobs, claimers = 300, 12
		for i := range jobs {
			newJob(t, s, "mail", fmt.Sprintf("k%03d", i), base)
		}
		var (
			mu   sync.Mutex
			seen = map[string]string{} // key -> worker; guarded by mu
			wg   sync.WaitGroup
			errs = make(chan error, jobs+claimers)
		)
		for w := range claimers {
			worker := fmt.Sprintf("w%d", w)
			wg.Go(func() {
				for {
					got, err := s.ClaimDueJobs(ctxOf(t), store.JobClaim{Now: base, Worker: worker, Lease: time.Minute,
						Kinds: []string{"mail"}, Limit: 2})
					if err != nil {
						errs <- err
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, j := range got {
						if prev, ok := seen[j.Key]; ok {
							errs <- fmt.Errorf("%s claimed by %s and %s", j.Key, prev, worker)
						}
						seen[j.Key] = worker
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if len(seen) != jobs {
			t.Fatalf("%d jobs claimed, want %d", len(seen), jobs)
		}
	},
	"failed jobs list by kind, latest failure first, one by id, and leave once revived": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		for _, key := range []string{"mail:a", "mail:b", "mail:ok"} {
			newJob(t, s, "mail", key, base)
		}
		newJob(t, s, "remind", "remind:x", base)
		failJob(t, s, "mail:a", "refused", base.Add(time.Minute))
		failJob(t, s, "mail:b", "timeout", base.Add(2*time.Minute))
		failJob(t, s, "remind:x", "gone", base.Add(3*time.Minute))
		list := func(f store.FailedJobFilter) []string {
			t.Helper()
			got, err := s.ListFailedJobs(ctx, f)
			noErr(t, err, "ListFailedJobs")
			return jobKeys(got)
		}
		diff(t, "failed mail", list(store.FailedJobFilter{Kind: "mail", Limit: 10}), []string{"mail:b", "mail:a"})
		diff(t, "second page", list(store.FailedJobFilter{Kind: "mail", Limit: 1, Offset: 1}), []string{"mail:a"})
		a := jobByKey(t, s, "mail:a")
		if a.LastError != "refused" || !a.FailedAt.Equal(base.Add(time.Minute)) {
			t.Fatalf("failed job %+v: want its error and failure time", a)
		}
		diff(t, "by id", list(store.FailedJobFilter{Kind: "mail", ID: a.ID, Limit: 10}), []string{"mail:a"})
		ok := jobByKey(t, s, "mail:ok")
		diff(t, "a live job by id", list(store.FailedJobFilter{Kind: "mail", ID: ok.ID, Limit: 10}), []string{})
		newJob(t, s, "mail", "mail:a", base.Add(time.Hour)) // revived
		diff(t, "after a retry", list(store.FailedJobFilter{Kind: "mail", Limit: 10}), []string{"mail:b"})
	},
}

// failJob claims the job with key and gives it up at `at` with errText.
func failJob(t *testing.T, s store.Store, key, errText string, at time.Time) {
	t.Helper()
	for _, j := range claimJobs(t, s, at, "w", store.MaxJobClaim, "mail", "remind") {
		if j.Key == key {
			noErr(t, s.FailJob(ctxOf(t), j, errText, at), "FailJob "+key)
			return
		}
	}
	t.Fatalf("job %s was not claimable", key)
}
