package acctest

import (
	"context"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Proxy is an EC2 endpoint on loopback in front of moto. It forwards each
// Query-protocol request untouched, fills in the EC2 behaviour moto lacks
// (always on, shared by every proxy of the same moto), injects the faults a
// test sets on it, and records every call.
type Proxy struct {
	emu      *emulator
	server   *http.Server
	listener net.Listener
	url      string
	faults   faultState

	callsMu sync.Mutex
	calls   []Call

	closeOnce sync.Once
}

// Call is one request the proxy received and what it did with it.
type Call struct {
	// Time is when the request arrived.
	Time time.Time
	// Action is the EC2 action, for example "CopyImage".
	Action string
	// Service is the service the request was signed for: "ec2", or "sts"
	// for the STS calls of the IAM tests.
	Service string
	// AccessKey is the access key ID that signed the request.
	AccessKey string
	// Region is the Region the request was signed for.
	Region string
	// ClientToken is the request's ClientToken, if any.
	ClientToken string
	// ImageIDs are the images the request names; for CopyImage, the image
	// it made or was answered with from the token cache.
	ImageIDs []string
	// Names are the AMI names a DescribeImages request asks for with the
	// name filter.
	Names []string
	// DryRun is set for a request that only checks permissions.
	DryRun bool
	// Status is the HTTP status answered; 0 when the connection was closed
	// without an answer.
	Status int
	// Fault names the injected fault that shaped the answer (one of the
	// Fault constants, several joined by commas), or is empty.
	Fault string
	// ReachedMoto is set when the request was passed on to moto.
	ReachedMoto bool
	// FromTokenCache is set for a CopyImage answered with the image an
	// earlier call with the same ClientToken made.
	FromTokenCache bool
	// Params are the request's Query parameters, for tests that check
	// what was sent (which launch permissions were added, for example).
	Params url.Values
}

// newProxy starts a proxy on a free loopback port in front of the moto that
// emu stands for.
func newProxy(emu *emulator) (*Proxy, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening on loopback: %w", err)
	}
	p := &Proxy{
		emu:      emu,
		listener: listener,
		url:      "http://" + listener.Addr().String(),
	}
	p.faults.set(Faults{})
	p.server = &http.Server{
		Handler:           http.HandlerFunc(p.serveHTTP),
		ReadHeaderTimeout: 30 * time.Second,
	}
	go func() {
		// Serve returns ErrServerClosed after Close; nothing else is expected
		// on a loopback listener we own.
		_ = p.server.Serve(listener)
	}()
	return p, nil
}

// URL returns the proxy's base URL, for an SDK client's BaseEndpoint or the
// provider's endpoints block.
func (p *Proxy) URL() string {
	return p.url
}

// Close stops the proxy; moto and the shared emulator state stay.
func (p *Proxy) Close() {
	p.closeOnce.Do(func() {
		_ = p.server.Close()
	})
}

// SetFaults replaces the faults the proxy injects and restarts their
// counters and random source.
func (p *Proxy) SetFaults(f Faults) {
	p.faults.set(f)
}

// Reset stops injecting faults. Recorded calls stay; ResetCalls clears them.
// Images already copied keep the per-image faults they were made with.
func (p *Proxy) Reset() {
	p.faults.set(Faults{})
}

// Calls returns a copy of the calls recorded so far, oldest first.
func (p *Proxy) Calls() []Call {
	p.callsMu.Lock()
	defer p.callsMu.Unlock()
	out := make([]Call, len(p.calls))
	for i, c := range p.calls {
		c.ImageIDs = slices.Clone(c.ImageIDs)
		c.Params = maps.Clone(c.Params)
		c.Names = slices.Clone(c.Names)
		out[i] = c
	}
	return out
}

// Count returns how many calls of an action were recorded, DryRun and
// faulted calls included.
func (p *Proxy) Count(action string) int {
	p.callsMu.Lock()
	defer p.callsMu.Unlock()
	n := 0
	for _, c := range p.calls {
		if c.Action == action {
			n++
		}
	}
	return n
}

// CountCopies returns how many CopyImage calls, DryRun aside, reached moto or
// were answered from the ClientToken cache: the copies EC2 would have been
// asked to make.
func (p *Proxy) CountCopies() int {
	p.callsMu.Lock()
	defer p.callsMu.Unlock()
	n := 0
	for _, c := range p.calls {
		if c.Action == "CopyImage" && !c.DryRun && (c.ReachedMoto || c.FromTokenCache) {
			n++
		}
	}
	return n
}

// ResetCalls forgets the recorded calls.
func (p *Proxy) ResetCalls() {
	p.callsMu.Lock()
	defer p.callsMu.Unlock()
	p.calls = nil
}

// recordCall appends a finished call.
func (p *Proxy) recordCall(c Call) {
	p.callsMu.Lock()
	defer p.callsMu.Unlock()
	p.calls = append(p.calls, c)
}

// serveHTTP handles one EC2 request. The call is recorded before the answer
// is written, so a test that has its answer also sees the record.
func (p *Proxy) serveHTTP(w http.ResponseWriter, r *http.Request) {
	req, err := readEC2Request(r)
	if err != nil {
		writeAnswer(w, errorAnswer(http.StatusBadRequest, "MalformedQueryString", err.Error()))
		return
	}
	call := Call{
		Time:        time.Now(),
		Action:      req.action,
		Service:     req.service,
		AccessKey:   req.akid,
		Region:      req.region,
		ClientToken: req.form.Get("ClientToken"),
		ImageIDs:    requestedImageIDs(req.form),
		DryRun:      req.dryRun(),
		Params:      req.form,
	}
	if req.action == "DescribeImages" {
		call.Names, _ = filterValues(req.form, "name")
	}
	ans, err := p.serve(r.Context(), req, &call)
	if err != nil {
		// A failure of the harness itself, not an EC2 behaviour: make it loud
		// and distinct from anything EC2 says.
		ans = errorAnswer(http.StatusBadGateway, "InternalError", "amicopy test proxy: "+err.Error())
	}
	if !ans.hangUp {
		call.Status = ans.status
	}
	p.recordCall(call)
	if ans.hangUp {
		hangUp(w)
		return
	}
	writeAnswer(w, ans)
}

// serve applies the transport faults and then the action's handler.
func (p *Proxy) serve(ctx context.Context, req *ec2Request, call *Call) (*answer, error) {
	latency, fault := p.faults.transportFault(req.action)
	if latency > 0 {
		timer := time.NewTimer(latency)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		}
	}
	if fault != "" {
		call.Fault = fault
		return p.faults.transportFaultAnswerFor(fault, req.header.Get("Authorization")), nil
	}
	if handle, ok := actionHandlers[req.action]; ok {
		if refusal := p.emu.authorizeEmulated(req); refusal != nil {
			return refusal, nil
		}
		return handle(p, ctx, req, call)
	}
	return p.relay(ctx, req, call)
}

// relay forwards a request to moto and returns moto's answer, with moto's
// refusal of an EC2 action worded as EC2's.
func (p *Proxy) relay(ctx context.Context, req *ec2Request, call *Call) (*answer, error) {
	call.ReachedMoto = true
	ans, err := p.emu.forward(ctx, req)
	if err != nil {
		return nil, err
	}
	return p.emu.translateRefusal(req, ans), nil
}

// writeAnswer sends an answer to the client.
func writeAnswer(w http.ResponseWriter, ans *answer) {
	for name, values := range ans.header {
		w.Header()[name] = values
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(ans.body)))
	w.WriteHeader(ans.status)
	_, _ = w.Write(ans.body)
}

// hangUp closes the client's connection without an answer, as a network
// failure or a lost answer looks to the caller.
func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// The server closes the connection of a handler that aborts.
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		// Reset rather than close politely, so the client cannot mistake the
		// end of the stream for an empty answer.
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
