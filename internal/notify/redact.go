package notify

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
)

// sendError is an error whose text is known to be free of secrets. It may
// wrap the underlying cause (never a *url.Error, whose text holds the URL) so
// callers can still test it with errors.Is, e.g. for context.DeadlineExceeded.
type sendError struct {
	msg   string
	cause error
}

func (e *sendError) Error() string { return e.msg }
func (e *sendError) Unwrap() error { return e.cause }

// transportCause strips the *url.Error wrapper, whose text contains the full
// request URL, and returns what it wrapped.
func transportCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err
	}
	return err
}

// describeTransportError gives a short, address-free account of why a request
// failed.
func describeTransportError(err error) string {
	if errors.Is(err, context.Canceled) {
		return "request canceled"
	}
	var te interface{ Timeout() bool }
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &te) && te.Timeout()) {
		return "request timed out"
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsNotFound {
			return "host name lookup failed: no such host"
		}
		return "host name lookup failed"
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		// OpError's own text carries the remote address; keep only the
		// operation and the underlying cause.
		return opErr.Op + ": " + opErr.Err.Error()
	}
	return err.Error()
}

// redact removes every secret of e from s. It is a last line of defence for
// text we do not fully control, such as a receiver's errmsg or an error from
// the transport.
func redact(s string, e Endpoint) string {
	var secrets []string
	add := func(v string) {
		if len(v) >= 4 {
			secrets = append(secrets, v)
		}
	}
	add(e.Address)
	add(e.SigningSecret)
	add(url.QueryEscape(e.SigningSecret))
	if u, err := url.Parse(e.Address); err == nil {
		add(u.RawQuery)
		for _, vs := range u.Query() {
			for _, v := range vs {
				add(v)
				add(url.QueryEscape(v))
			}
		}
	}
	for _, sec := range secrets {
		s = strings.ReplaceAll(s, sec, "[redacted]")
	}
	return s
}
