package notify_test

import (
	"fmt"

	"github.com/critpath/critpath/notify"
)

// A permit's status change as a Bangla reader with Bengali digits and
// the Bangla calendar sees it, on each channel.
func ExampleTemplates_Preview() {
	data := map[string]string{
		"project": "Dhaka Tower", "permit": "Building construction approval",
		"authority": "RAJUK", "status": "approved", "name": "রহিম",
	}
	p, err := notify.DefaultTemplates().Preview(notify.PermitStatus, data,
		notify.Format{Language: notify.Bangla, BengaliDigits: true, BanglaCalendar: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Email.Subject)
	fmt.Println(p.SMS.Text)
	fmt.Println(p.SMS.Info.Encoding, p.SMS.Info.Segments) // 71 units: one over a single segment
	fmt.Println(p.Push.Title, "/", p.Push.Body)

	// Without the status, nothing is rendered.
	delete(data, "status")
	_, err = notify.DefaultTemplates().Preview(notify.PermitStatus, data, notify.Format{})
	fmt.Println(err)
	// Output:
	// [Dhaka Tower] রাজউক: "Building construction approval" অনুমোদিত হয়েছে
	// Dhaka Tower: রাজউক-এর "Building construction approval" অনুমোদিত হয়েছে।
	// UCS-2 2
	// রাজউক: অনুমোদিত হয়েছে / Building construction approval (Dhaka Tower)
	// notify: template permit_status/en: variable "status" missing
}
