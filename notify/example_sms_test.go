package notify_test

import (
	"fmt"

	"github.com/critpath/critpath/notify"
)

// Segments and cost of an SMS before it is sent: the same alert in
// English (GSM-7) and in Bangla (UCS-2, 67 units a segment).
func ExampleCountSMS() {
	for _, text := range []string{
		"Dhaka Tower: weather alert for Mon 12 Jul 2027 (rain 62.5 mm). Outdoor work: Piling.",
		"Dhaka Tower: আবহাওয়া সতর্কতা, সোমবার, ১২ জুলাই ২০২৭ (বৃষ্টি ৬২.৫ মিমি)। বাইরের কাজ: পাইলিং।",
	} {
		info := notify.CountSMS(text)
		fmt.Printf("%v, %d units, %d segments, BDT %.2f\n", info.Encoding, info.Units, info.Segments, 0.60*float64(info.Segments))
	}
	// Output:
	// GSM-7, 84 units, 1 segments, BDT 0.60
	// UCS-2, 92 units, 2 segments, BDT 1.20
}
