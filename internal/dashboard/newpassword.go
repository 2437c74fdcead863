package dashboard

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// ReadNewPassword reads the new password of operator name from the first
// line of in and returns its hash (HashPassword). When in is nil it reads
// standard input, prompting on prompt if that is a terminal: `central
// operators add` and `passwd` take the password this way so it is never
// an argument ps could show.
func ReadNewPassword(in io.Reader, prompt io.Writer, name string) (string, error) {
	if in == nil {
		in = os.Stdin
		if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprintf(prompt, "password for %s (at least %d characters): ", name, MinPasswordLength)
		}
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("read password: no password on standard input")
	}
	return HashPassword(strings.TrimRight(line, "\r\n"))
}
