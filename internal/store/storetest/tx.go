package storetest

import (
	"errors"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

// errRollback is what the transaction tests return to roll back.
var errRollback = errors.New("roll back")

// wantEmpty fails t unless s holds no users, audit entries or values.
func wantEmpty(t *testing.T, s store.Store) {
	t.Helper()
	ctx := ctxOf(t)
	n, err := s.CountUsers(ctx)
	noErr(t, err, "CountUsers")
	entries, err := s.ListAudit(ctx, lms.AuditFilter{})
	noErr(t, err, "ListAudit")
	_, valueErr := s.GetValue(ctx, "k")
	if n != 0 || len(entries) != 0 || !lms.IsCode(valueErr, lms.ENOTFOUND) {
		t.Fatalf("after rollback: %d users, %d audit entries, value error %v; want nothing", n, len(entries), valueErr)
	}
}

// writeAll writes a user, an audit entry and a value through tx.
func writeAll(t *testing.T, tx store.Store) error {
	ctx := ctxOf(t)
	if err := tx.CreateUser(ctx, &lms.User{Email: "a@example.com", Username: "a", Role: lms.SiteAdmin}); err != nil {
		return err
	}
	if err := tx.AppendAudit(ctx, &lms.AuditEntry{Action: lms.AuditSetup}); err != nil {
		return err
	}
	return tx.PutValue(ctx, "k", "v")
}

var txTests = map[string]func(*testing.T, store.Store){
	"commit keeps every write": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		noErr(t, s.InTx(ctx, func(tx store.Store) error { return writeAll(t, tx) }), "InTx")
		n, err := s.CountUsers(ctx)
		noErr(t, err, "CountUsers")
		v, err := s.GetValue(ctx, "k")
		noErr(t, err, "GetValue")
		if n != 1 || v != "v" {
			t.Fatalf("after commit: %d users, value %q", n, v)
		}
	},
	"an error rolls back every write and is returned": func(t *testing.T, s store.Store) {
		err := s.InTx(ctxOf(t), func(tx store.Store) error {
			if err := writeAll(t, tx); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("InTx = %v, want fn's error", err)
		}
		wantEmpty(t, s)
	},
	"a conflict inside the transaction rolls back the earlier writes": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		err := s.InTx(ctx, func(tx store.Store) error {
			if err := writeAll(t, tx); err != nil {
				return err
			}
			return tx.CreateUser(ctx, &lms.User{Email: "A@example.com", Username: "b", Role: lms.SiteUser})
		})
		wantCode(t, err, lms.ECONFLICT)
		wantEmpty(t, s)
	},
	"a panic rolls back and propagates": func(t *testing.T, s store.Store) {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatal("InTx swallowed the panic")
				}
			}()
			_ = s.InTx(ctxOf(t), func(tx store.Store) error {
				if err := writeAll(t, tx); err != nil {
					return err
				}
				panic("boom")
			})
		}()
		wantEmpty(t, s)
	},
	"nested InTx joins the outer transaction": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		err := s.InTx(ctx, func(tx store.Store) error {
			if err := tx.InTx(ctx, func(inner store.Store) error { return writeAll(t, inner) }); err != nil {
				return err
			}
			n, err := tx.CountUsers(ctx)
			if err != nil {
				return err
			}
			if n != 1 {
				t.Errorf("outer transaction sees %d users after the nested one, want 1", n)
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("InTx = %v, want fn's error", err)
		}
		wantEmpty(t, s)
	},
	"ping answers": func(t *testing.T, s store.Store) {
		noErr(t, s.Ping(ctxOf(t)), "Ping")
	},
}
