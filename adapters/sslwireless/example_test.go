package sslwireless_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/critpath/critpath/adapters/sslwireless"
	"github.com/critpath/critpath/notify"
)

// The gateway answers a refused message with HTTP 200 and FAILED in the
// body; Send returns it as a permanent SendError with the gateway's code.
func Example() {
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"FAILED","status_code":4003,"error_message":"IP Blacklisted"}`)
	}))
	defer gateway.Close()

	p, err := sslwireless.New(sslwireless.Config{APIToken: "token", SID: "CRITPATHBRAND", BaseURL: gateway.URL})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = p.Send(context.Background(), &notify.Message{
		Key: "weather-2027-07-12", Channel: notify.SMS, To: "+8801712345678", Text: "কাল ভারী বৃষ্টি: ঢালাই বন্ধ",
	})
	se, _ := errors.AsType[*notify.SendError](err)
	fmt.Println(notify.ClassOf(err), se.Status, se.Code)
	fmt.Println(err)
	// Output:
	// permanent 200 4003
	// notify: sslwireless: permanent, HTTP 200, code 4003: IP Blacklisted
}
