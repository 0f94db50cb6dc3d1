package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// relay is a loopback TCP relay in front of an API server, the link
// phase's partition: cut drops every connection through it and refuses new
// ones; mend lets them through again, on the same address. It notes the
// first connection made after a mend: when the link reached across again.
type relay struct {
	to, addr string

	mu             sync.Mutex
	ln             net.Listener
	open           map[net.Conn]struct{}
	mendedAt       time.Time
	firstAfterMend time.Time
}

func startRelay(to string) (*relay, error) {
	r := &relay{to: to, open: map[net.Conn]struct{}{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r.addr = ln.Addr().String()
	r.serve(ln)
	return r, nil
}

func (r *relay) serve(ln net.Listener) {
	r.mu.Lock()
	r.ln = ln
	r.mu.Unlock()
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", r.to)
			if err != nil {
				in.Close()
				continue
			}
			r.mu.Lock()
			if r.ln != ln { // cut meanwhile
				r.mu.Unlock()
				in.Close()
				out.Close()
				return
			}
			if !r.mendedAt.IsZero() && r.firstAfterMend.IsZero() {
				r.firstAfterMend = time.Now()
			}
			r.open[in], r.open[out] = struct{}{}, struct{}{}
			r.mu.Unlock()
			pipe := func(dst, src net.Conn) {
				_, _ = io.Copy(dst, src)
				dst.Close()
				src.Close()
				r.mu.Lock()
				delete(r.open, dst)
				delete(r.open, src)
				r.mu.Unlock()
			}
			go pipe(out, in)
			go pipe(in, out)
		}
	}()
}

// cut drops every connection and stops listening.
func (r *relay) cut() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ln != nil {
		r.ln.Close()
		r.ln = nil
	}
	for c := range r.open {
		c.Close()
		delete(r.open, c)
	}
}

// mend listens again on the same address and returns when it does.
func (r *relay) mend(ctx context.Context) (time.Time, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		ln, err := net.Listen("tcp", r.addr)
		if err == nil {
			now := time.Now()
			r.mu.Lock()
			r.mendedAt, r.firstAfterMend = now, time.Time{}
			r.mu.Unlock()
			r.serve(ln)
			return now, nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("mending the relay on %s: %w", r.addr, err)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// firstConnection is when the first connection after the last mend came
// (zero: none yet).
func (r *relay) firstConnection() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.firstAfterMend
}
