package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// appendAudit appends an entry by actor with action.
func appendAudit(t *testing.T, s store.Store, actor int64, action string) *lms.AuditEntry {
	t.Helper()
	e := &lms.AuditEntry{At: base, ActorID: actor, Action: action, Target: "user:1", IP: "192.0.2.7"}
	noErr(t, s.AppendAudit(t.Context(), e), "AppendAudit")
	return e
}

var auditTests = map[string]func(*testing.T, store.Store){
	"appended entries list newest first with the actor's name": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "alice")
		e1 := &lms.AuditEntry{At: base.Add(time.Nanosecond), ActorID: u.ID, Action: lms.AuditLogin, Target: "user:1",
			IP: "2001:db8::7", Detail: `{"via":"password"}`}
		noErr(t, s.AppendAudit(ctx, e1), "AppendAudit")
		if e1.ID == 0 || e1.At != base || e1.ActorName != "alice" {
			t.Fatalf("AppendAudit set ID %d, At %v, ActorName %q; want an id, %v, alice", e1.ID, e1.At, e1.ActorName, base)
		}
		e2 := &lms.AuditEntry{Action: lms.AuditSettingsChange, Detail: strings.Repeat("δ", 5000)}
		noErr(t, s.AppendAudit(ctx, e2), "AppendAudit without time")
		if e2.At.IsZero() {
			t.Fatal("AppendAudit with a zero At stored no time")
		}
		got, err := s.ListAudit(ctx, lms.AuditFilter{})
		noErr(t, err, "ListAudit")
		diff(t, "entries", got, []*lms.AuditEntry{e2, e1})
	},
	"filters by actor, exact action and action prefix": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		a, b := newUser(t, s, "alice"), newUser(t, s, "bob")
		e1 := appendAudit(t, s, a.ID, lms.AuditLogin)
		e2 := appendAudit(t, s, b.ID, lms.AuditLoginFailed)
		e3 := appendAudit(t, s, a.ID, lms.AuditUserCreate)
		e4 := appendAudit(t, s, b.ID, "authx.other")
		e5 := appendAudit(t, s, a.ID, "auth_login") // "_" must not match "." as a wildcard
		cases := []struct {
			name string
			f    lms.AuditFilter
			want []*lms.AuditEntry
		}{
			{"actor", lms.AuditFilter{ActorID: a.ID}, []*lms.AuditEntry{e5, e3, e1}},
			{"exact action", lms.AuditFilter{Action: lms.AuditLogin}, []*lms.AuditEntry{e1}},
			{"prefix", lms.AuditFilter{Action: "auth."}, []*lms.AuditEntry{e2, e1}},
			{"actor and prefix", lms.AuditFilter{ActorID: b.ID, Action: "auth."}, []*lms.AuditEntry{e2}},
			{"prefix without match", lms.AuditFilter{Action: "course."}, []*lms.AuditEntry{}},
			{"other prefix", lms.AuditFilter{Action: "authx."}, []*lms.AuditEntry{e4}},
		}
		for _, c := range cases {
			got, err := s.ListAudit(ctx, c.f)
			noErr(t, err, "ListAudit "+c.name)
			diff(t, c.name, ids(got, auditID), ids(c.want, auditID))
		}
	},
	"cursor pages back without overlap": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		var want []int64
		for range 7 {
			want = append([]int64{appendAudit(t, s, 0, lms.AuditLoginFailed).ID}, want...)
		}
		var got []int64
		cursor := int64(0)
		for page := 0; page < 10; page++ {
			list, err := s.ListAudit(ctx, lms.AuditFilter{BeforeID: cursor, Limit: 3})
			noErr(t, err, "ListAudit")
			if len(list) == 0 {
				break
			}
			if len(list) > 3 {
				t.Fatalf("page of %d entries, limit 3", len(list))
			}
			got = append(got, ids(list, auditID)...)
			cursor = list[len(list)-1].ID
		}
		diff(t, "paged ids", got, want)
	},
	"actor name survives the user's deletion; failed logins show the attempted login": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "alice")
		e := appendAudit(t, s, u.ID, lms.AuditLogin)
		failed := &lms.AuditEntry{Action: lms.AuditLoginFailed, ActorName: "mallory@example.com", IP: "203.0.113.9"}
		noErr(t, s.AppendAudit(ctx, failed), "AppendAudit failed login")
		u.Username = "alicia"
		noErr(t, s.UpdateUser(ctx, u), "UpdateUser")
		got, err := s.ListAudit(ctx, lms.AuditFilter{})
		noErr(t, err, "ListAudit")
		if got[1].ID != e.ID || got[1].ActorName != "alicia" {
			t.Fatalf("entry of an existing user: ActorName %q, want the current username alicia", got[1].ActorName)
		}
		noErr(t, s.DeleteUser(ctx, u.ID), "DeleteUser")
		got, err = s.ListAudit(ctx, lms.AuditFilter{})
		noErr(t, err, "ListAudit after delete")
		if got[1].ActorID != u.ID || got[1].ActorName == "" {
			t.Fatalf("entry of a deleted user: ActorID %d, ActorName %q; want %d and a name", got[1].ActorID, got[1].ActorName, u.ID)
		}
		if got[0].ActorID != 0 || got[0].ActorName != "mallory@example.com" {
			t.Fatalf("failed login: ActorID %d, ActorName %q", got[0].ActorID, got[0].ActorName)
		}
	},
	"limit is clamped to the maximum page size": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		err := s.InTx(ctx, func(tx store.Store) error { // one transaction: many rows fast
			for range lms.MaxPageSize + 5 {
				if err := tx.AppendAudit(ctx, &lms.AuditEntry{At: base, Action: lms.AuditLogin}); err != nil {
					return err
				}
			}
			return nil
		})
		noErr(t, err, "append entries")
		got, err := s.ListAudit(ctx, lms.AuditFilter{Limit: 10_000})
		noErr(t, err, "ListAudit")
		if len(got) != lms.MaxPageSize {
			t.Fatalf("ListAudit returned %d entries, want %d", len(got), lms.MaxPageSize)
		}
	},
}
