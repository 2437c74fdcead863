package cli

import (
	"fmt"
	"net/netip"
	"strings"
)

// Prefixes is a flag.Value holding a comma-separated list of CIDR
// prefixes, such as the reverse proxies a server trusts. A bare address
// stands for itself alone; host bits are masked.
type Prefixes []netip.Prefix

// String gives the list back in its flag form.
func (p *Prefixes) String() string {
	var s []string
	for _, x := range *p {
		s = append(s, x.String())
	}
	return strings.Join(s, ",")
}

// Set replaces the list with the one in list.
func (p *Prefixes) Set(list string) error {
	var out Prefixes
	for part := range strings.SplitSeq(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if a, err := netip.ParseAddr(part); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		x, err := netip.ParsePrefix(part)
		if err != nil {
			return fmt.Errorf("%q is not a CIDR prefix such as 10.0.0.0/8", part)
		}
		out = append(out, x.Masked())
	}
	*p = out
	return nil
}
