package notify_test

import (
	"fmt"

	"github.com/critpath/critpath/notify"
)

// Phone numbers as people write them, normalised or refused with the
// reason.
func ExampleNormalizePhone() {
	for _, s := range []string{"01711-000000", "+880 1911 222333", "8801511000000", "01211000000", "+1 415 555 0100"} {
		p, err := notify.NormalizePhone(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(p)
	}
	// Output:
	// +8801711000000
	// +8801911222333
	// +8801511000000
	// notify: sms address "01211000000": no mobile operator uses the prefix 012
	// notify: sms address "+1 415 555 0100": not a Bangladeshi number (country code +880)
}
