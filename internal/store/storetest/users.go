package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
)

var userTests = map[string]func(*testing.T, store.Store){
	"created user reads back by id and by login in any case": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "alice")
		if u.ID == 0 || u.CreatedAt.IsZero() || !u.UpdatedAt.Equal(u.CreatedAt) {
			t.Fatalf("CreateUser did not set ID/CreatedAt/UpdatedAt: %+v", u)
		}
		if u.CreatedAt.Location() != time.UTC || u.CreatedAt.Nanosecond()%int(ms) != 0 {
			t.Fatalf("CreatedAt = %v, want UTC at ms precision", u.CreatedAt)
		}
		got, err := s.UserByID(ctx, u.ID)
		noErr(t, err, "UserByID")
		diff(t, "UserByID", got, u)
		for _, login := range []string{"alice@example.com", "ALICE@Example.COM", "alice", "Alice"} {
			got, err := s.UserByLogin(ctx, login)
			noErr(t, err, "UserByLogin "+login)
			diff(t, "UserByLogin "+login, got, u)
		}
	},
	"users by logins match emails and usernames in any case, each once, by id": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
		newUser(t, s, "carol")
		got, err := s.UsersByLogins(ctx, []string{"BOB", "alice@EXAMPLE.com", "alice", "nobody", "'; --"})
		noErr(t, err, "UsersByLogins")
		diff(t, "UsersByLogins", ids(got, userID), []int64{alice.ID, bob.ID})
		none, err := s.UsersByLogins(ctx, nil)
		noErr(t, err, "UsersByLogins(nil)")
		diff(t, "UsersByLogins(nil)", none, []*lms.User{})
		many := make([]string, store.MaxLoginsPerLookup)
		for i := range many {
			many[i] = label("user", i)
		}
		many[len(many)-1] = "carol@example.com"
		got, err = s.UsersByLogins(ctx, many)
		noErr(t, err, "UsersByLogins with the most logins")
		if len(got) != 1 || got[0].Username != "carol" {
			t.Fatalf("UsersByLogins(%d logins) = %v, want carol", len(many), ids(got, userID))
		}
	},
	"missing user is not found": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		newUser(t, s, "alice")
		_, err := s.UserByID(ctx, 9999)
		wantCode(t, err, lms.ENOTFOUND)
		_, err = s.UserByLogin(ctx, "bob")
		wantCode(t, err, lms.ENOTFOUND)
		wantCode(t, s.UpdateUser(ctx, &lms.User{ID: 9999, Email: "x@y", Username: "x", Role: lms.SiteUser}), lms.ENOTFOUND)
		wantCode(t, s.DeleteUser(ctx, 9999), lms.ENOTFOUND)
		wantCode(t, s.TouchLogin(ctx, 9999, base), lms.ENOTFOUND)
	},
	"duplicate email or username in another case conflicts naming the field": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		newUser(t, s, "alice")
		bob := newUser(t, s, "bob")
		cases := []struct {
			name, email, username, field string
		}{
			{"email", "ALICE@example.com", "someone", "email"},
			{"username", "someone@example.com", "ALICE", "username"},
		}
		for _, c := range cases {
			err := s.CreateUser(ctx, &lms.User{Email: c.email, Username: c.username, Role: lms.SiteUser})
			wantCode(t, err, lms.ECONFLICT)
			if e := err.(*lms.Error); e.Field != c.field {
				t.Errorf("create with taken %s: Field = %q, want %q", c.name, e.Field, c.field)
			}
			upd := *bob
			upd.Email, upd.Username = c.email, c.username
			err = s.UpdateUser(ctx, &upd)
			wantCode(t, err, lms.ECONFLICT)
			if e := err.(*lms.Error); e.Field != c.field {
				t.Errorf("update to taken %s: Field = %q, want %q", c.name, e.Field, c.field)
			}
		}
		n, err := s.CountUsers(ctx)
		noErr(t, err, "CountUsers")
		if n != 2 {
			t.Fatalf("CountUsers = %d after conflicts, want 2", n)
		}
	},
	"update saves every editable field": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "alice")
		u.Email, u.Username, u.Name = "new@example.com", "alicia", "Alicia"
		u.Role, u.Disabled, u.AvatarPath, u.PasswordHash = lms.SiteAdmin, true, "avatars/1.png", "$new"
		noErr(t, s.UpdateUser(ctx, u), "UpdateUser")
		if u.UpdatedAt.Before(u.CreatedAt) {
			t.Fatalf("UpdatedAt %v before CreatedAt %v", u.UpdatedAt, u.CreatedAt)
		}
		got, err := s.UserByID(ctx, u.ID)
		noErr(t, err, "UserByID")
		diff(t, "updated user", got, u)
	},
	"delete removes the user with sessions and tokens": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u, other := newUser(t, s, "alice"), newUser(t, s, "bob")
		newSession(t, s, u.ID, "s-alice", base)
		keep := newSession(t, s, other.ID, "s-bob", base)
		noErr(t, s.CreateAPIToken(ctx, &lms.APIToken{UserID: u.ID, Name: "ci", Prefix: "lyc_", TokenHash: []byte("t")}), "CreateAPIToken")
		noErr(t, s.DeleteUser(ctx, u.ID), "DeleteUser")
		_, err := s.UserByID(ctx, u.ID)
		wantCode(t, err, lms.ENOTFOUND)
		_, err = s.SessionByTokenHash(ctx, []byte("s-alice"))
		wantCode(t, err, lms.ENOTFOUND)
		_, err = s.APITokenByHash(ctx, []byte("t"))
		wantCode(t, err, lms.ENOTFOUND)
		got, err := s.SessionByTokenHash(ctx, []byte("s-bob"))
		noErr(t, err, "other user's session")
		diff(t, "other user's session", got, keep)
	},
	"list pages in id order with the total": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		var all []*lms.User
		for i := range 7 {
			all = append(all, newUser(t, s, label("user", i)))
		}
		got, total, err := s.ListUsers(ctx, lms.UserFilter{Limit: 3, Offset: 3})
		noErr(t, err, "ListUsers")
		if total != 7 {
			t.Errorf("total = %d, want 7", total)
		}
		diff(t, "page", got, all[3:6])
		got, total, err = s.ListUsers(ctx, lms.UserFilter{Offset: 100})
		noErr(t, err, "ListUsers past the end")
		if len(got) != 0 || total != 7 || got == nil {
			t.Errorf("past the end: %d users (nil %v), total %d; want an empty page, total 7", len(got), got == nil, total)
		}
		got, _, err = s.ListUsers(ctx, lms.UserFilter{Limit: -1, Offset: -5})
		noErr(t, err, "ListUsers default limit")
		diff(t, "default page", ids(got, userID), ids(all, userID))
	},
	"list search matches email, username and name case-insensitively": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		a := newUser(t, s, "alice")
		b := newUser(t, s, "bob")
		b.Name = "Bob Marley"
		noErr(t, s.UpdateUser(ctx, b), "UpdateUser")
		c := newUser(t, s, "carol")
		cases := []struct {
			query string
			want  []int64
		}{
			{"ALICE@EX", []int64{a.ID}},
			{"Bo", []int64{b.ID}},
			{"marley", []int64{b.ID}},
			{"example.com", []int64{a.ID, b.ID, c.ID}},
			{"nobody", []int64{}},
		}
		for _, tc := range cases {
			got, total, err := s.ListUsers(ctx, lms.UserFilter{Query: tc.query})
			noErr(t, err, "ListUsers "+tc.query)
			diff(t, "query "+tc.query, ids(got, userID), tc.want)
			if total != len(tc.want) {
				t.Errorf("query %q: total = %d, want %d", tc.query, total, len(tc.want))
			}
		}
	},
	"list search treats LIKE metacharacters literally": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		byName := map[string]int64{}
		for _, n := range []string{`a%b`, `a_b`, `axb`, `a\b`, `ab`} {
			u := &lms.User{Email: "u" + label("", len(byName)) + "@example.com", Username: "u" + label("", len(byName)),
				Name: n, Role: lms.SiteUser}
			noErr(t, s.CreateUser(ctx, u), "CreateUser "+n)
			byName[n] = u.ID
		}
		cases := []struct{ query, want string }{{"%", `a%b`}, {"_", `a_b`}, {`\`, `a\b`}, {`a%b`, `a%b`}, {`a_b`, `a_b`}}
		for _, c := range cases {
			got, total, err := s.ListUsers(ctx, lms.UserFilter{Query: c.query})
			noErr(t, err, "ListUsers "+c.query)
			diff(t, "query "+c.query, ids(got, userID), []int64{byName[c.want]})
			if total != 1 {
				t.Errorf("query %q: total = %d, want 1", c.query, total)
			}
		}
	},
	"counts users and enabled admins": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		n, err := s.CountUsers(ctx)
		noErr(t, err, "CountUsers")
		if n != 0 {
			t.Fatalf("empty store: CountUsers = %d", n)
		}
		for i, role := range []lms.SiteRole{lms.SiteAdmin, lms.SiteAdmin, lms.SiteUser} {
			u := newUser(t, s, label("u", i))
			u.Role, u.Disabled = role, i == 1
			noErr(t, s.UpdateUser(ctx, u), "UpdateUser")
		}
		n, err = s.CountUsers(ctx)
		noErr(t, err, "CountUsers")
		admins, err := s.CountAdmins(ctx)
		noErr(t, err, "CountAdmins")
		if n != 3 || admins != 1 {
			t.Fatalf("CountUsers, CountAdmins = %d, %d; want 3, 1 (the disabled admin does not count)", n, admins)
		}
	},
	"touch login round-trips the time at ms precision in UTC": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		u := newUser(t, s, "alice")
		at := time.Date(2026, 1, 2, 3, 4, 5, 678_912_345, time.FixedZone("X", 5*3600+1800))
		noErr(t, s.TouchLogin(ctx, u.ID, at), "TouchLogin")
		got, err := s.UserByID(ctx, u.ID)
		noErr(t, err, "UserByID")
		want := at.Truncate(ms).UTC()
		if got.LastLoginAt != want { // == also compares the location
			t.Fatalf("LastLoginAt = %v, want %v", got.LastLoginAt, want)
		}
	},
	"strings are stored verbatim": func(t *testing.T, s store.Store) {
		ctx := ctxOf(t)
		names := []string{
			`Robert'); DROP TABLE users;--`,
			`"quoted" \back\slash $1 %s ?`,
			"  leading and trailing spaces  ",
			"Zoë 李 Ελληνικά 🎓 \u200b",
			"line\nbreak\ttab",
			strings.Repeat("x€", 10_000/4), // 10 kB
		}
		for i, n := range names {
			u := &lms.User{Email: label("e", i) + "@example.com", Username: label("user", i), Name: n,
				Role: lms.SiteUser, AvatarPath: n, PasswordHash: n}
			noErr(t, s.CreateUser(ctx, u), "CreateUser")
			got, err := s.UserByID(ctx, u.ID)
			noErr(t, err, "UserByID")
			if got.Name != n || got.AvatarPath != n || got.PasswordHash != n {
				t.Errorf("string %d (%d bytes) did not round-trip", i, len(n))
			}
		}
		u := &lms.User{Email: "Zoë@Example.com", Username: "zoë_李", Role: lms.SiteUser}
		noErr(t, s.CreateUser(ctx, u), "CreateUser unicode")
		got, err := s.UserByLogin(ctx, "zoë_李")
		noErr(t, err, "UserByLogin unicode")
		diff(t, "unicode user", got, u)
	},
}
