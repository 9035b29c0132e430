package jwt

import (
	"strings"
	"testing"
	"time"

	"github.com/critpath/critpath/realtime"
)

func TestIssue(t *testing.T) {
	t.Run("default lifetime and refresh", func(t *testing.T) {
		at := now
		cfg := Config{Keys: signingKeys(), Now: func() time.Time { return at }}
		iss, err := NewIssuer(cfg)
		if err != nil {
			t.Fatal(err)
		}
		first, exp1, err := iss.Issue(Grant{User: "karim"})
		if err != nil {
			t.Fatal(err)
		}
		if want := now.Add(15 * time.Minute); !exp1.Equal(want) {
			t.Errorf("expires %v, want %v (the default lifetime)", exp1, want)
		}
		if h := header(t, first); h["kid"] != "hs" {
			t.Errorf("signed with %v, want the first key that signs, hs", h["kid"])
		}
		at = now.Add(14 * time.Minute)
		second, exp2, err := iss.Issue(Grant{User: "karim"})
		if err != nil {
			t.Fatal(err)
		}
		if !exp2.After(exp1) || second == first {
			t.Errorf("the refresh expires %v (first %v), same token: %v", exp2, exp1, second == first)
		}
		cfg.Keys = verifyingKeys()
		a := newAuth(t, cfg)
		at = now.Add(16 * time.Minute)
		if _, err := a.Authenticate(t.Context(), first); err == nil {
			t.Error("the first token accepted after it expired")
		}
		if id, err := a.Authenticate(t.Context(), second); err != nil || id.User != "karim" || id.Roles != nil {
			t.Errorf("the refreshed token: %+v, %v", id, err)
		}
	})

	t.Run("no two tokens alike", func(t *testing.T) {
		iss, err := NewIssuer(Config{Keys: signingKeys(), Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		a, _, _ := iss.Issue(Grant{User: "karim"})
		b, _, _ := iss.Issue(Grant{User: "karim"})
		if a == b {
			t.Error("two tokens issued at the same second are the same (no jti)")
		}
	})

	t.Run("iss and aud", func(t *testing.T) {
		cfg := Config{Keys: signingKeys(), SigningKey: "ed", Issuer: "critpath", Audience: "critpath-web", Now: clock}
		iss, err := NewIssuer(cfg)
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := iss.Issue(Grant{User: "karim"})
		if err != nil {
			t.Fatal(err)
		}
		cfg.Keys = verifyingKeys()
		if _, err := newAuth(t, cfg).Authenticate(t.Context(), tok); err != nil {
			t.Error(err)
		}
		cfg.Audience = "critpath-mobile"
		if _, err := newAuth(t, cfg).Authenticate(t.Context(), tok); err == nil {
			t.Error("accepted by an authenticator of another audience")
		}
	})

	t.Run("refused grants", func(t *testing.T) {
		iss, err := NewIssuer(Config{Keys: signingKeys(), Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			g    Grant
			says string
		}{
			{Grant{}, "no user"},
			{Grant{User: "karim", Lifetime: -time.Second}, "negative"},
			{Grant{User: "karim", Roles: map[string]realtime.Role{"dhaka-tower": "admin"}}, `"admin"`},
		} {
			if _, _, err := iss.Issue(c.g); err == nil || !strings.Contains(err.Error(), c.says) {
				t.Errorf("Issue(%+v): %v, want an error saying %q", c.g, err, c.says)
			}
		}
	})

	t.Run("refused configs", func(t *testing.T) {
		for _, c := range []struct {
			cfg  Config
			says string
		}{
			{Config{Keys: signingKeys(), SigningKey: "k9"}, `"k9" is not in`},
			{Config{Keys: verifyingKeys(), SigningKey: "rs"}, "no private key"},
			{Config{Keys: verifyingKeys()[1:]}, "no key of Config.Keys can sign"},
			{Config{Keys: signingKeys(), Lifetime: -time.Minute}, "Lifetime"},
		} {
			if _, err := NewIssuer(c.cfg); err == nil || !strings.Contains(err.Error(), c.says) {
				t.Errorf("NewIssuer: %v, want an error saying %q", err, c.says)
			}
		}
	})
}
