package jwt_test

import (
	"context"
	"fmt"
	"time"

	"github.com/critpath/critpath/adapters/jwt"
	"github.com/critpath/critpath/realtime"
)

// A server issues a token at log-in and checks it in the realtime hello.
func Example() {
	cfg := jwt.Config{
		Keys:   []jwt.Key{{ID: "2026-12", Algorithm: jwt.HS256, Secret: []byte("a secret of at least thirty-two bytes")}},
		Issuer: "critpath",
	}
	iss, err := jwt.NewIssuer(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	token, _, err := iss.Issue(jwt.Grant{
		User:     "rahim",
		Name:     "Rahim Uddin",
		Roles:    map[string]realtime.Role{"dhaka-tower": realtime.RolePlanner, "*": realtime.RoleViewer},
		Lifetime: time.Hour,
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	auth, err := jwt.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	id, err := auth.Authenticate(ctx, token)
	if err != nil {
		fmt.Println(err)
		return
	}
	tower, _ := auth.Role(ctx, id, "dhaka-tower")
	bridge, _ := auth.Role(ctx, id, "padma-bridge")
	fmt.Println(id.User, id.Name, tower, bridge)

	// Another server, with another secret under the same key ID.
	other, err := jwt.New(jwt.Config{Keys: []jwt.Key{{ID: "2026-12", Algorithm: jwt.HS256, Secret: []byte("another secret, thirty-two bytes long")}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = other.Authenticate(ctx, token)
	fmt.Println(err)
	// Output:
	// rahim Rahim Uddin planner viewer
	// jwt: bad signature: realtime: unauthorized
}
