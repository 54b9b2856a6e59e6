package testenv

import (
	"errors"
	"net"
	"sync"
	"testing"
	"time"
)

// proxyDialTimeout bounds the proxy's connection to its target.
const proxyDialTimeout = 3 * time.Second

// Proxy is a TCP proxy on 127.0.0.1 in front of a service (e.g. the shared
// test Redis) that lets a test break the service for its own clients only:
//
//   - Cut: the service goes down. Every open connection is closed and new
//     ones are reset as soon as they are accepted, until Restore.
//   - Stall: the network between the clients and the service stops (or the
//     service hangs). Connections stay open, new ones are accepted, but
//     nothing is forwarded either way until Restore; what was sent meanwhile
//     is then delivered late, as after a healed partition.
//   - StallReplies: requests still reach the service, which runs them, but
//     its answers are held until Restore (or lost with a Cut): a client
//     cannot tell whether what it sent was done.
//   - Restore: forward again.
//
// Clients connect to Addr. The proxy closes at the test's cleanup.
type Proxy struct {
	target string
	ln     net.Listener
	wg     sync.WaitGroup

	mu     sync.Mutex // guards the fields below
	cut    bool
	up     chan struct{} // closed while client -> service bytes flow
	down   chan struct{} // closed while service -> client bytes flow
	pairs  map[*proxyPair]struct{}
	closed bool
}

// proxyPair is one client connection and its connection to the target.
type proxyPair struct {
	client, server net.Conn
	once           sync.Once
	done           chan struct{} // closed by close
}

func (pp *proxyPair) close() {
	pp.once.Do(func() {
		close(pp.done)
		_ = pp.client.Close()
		_ = pp.server.Close()
	})
}

// NewProxy starts a proxy to target (host:port) listening on 127.0.0.1:0.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("proxy listen: %v", err)
	}
	p := &Proxy{target: target, ln: ln, up: openGate(), down: openGate(), pairs: make(map[*proxyPair]struct{})}
	p.wg.Add(1)
	go p.acceptLoop()
	t.Cleanup(p.close)
	return p
}

// Addr is the proxy's address (host:port) for clients.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Cut closes every connection and refuses new ones until Restore.
func (p *Proxy) Cut() {
	p.mu.Lock()
	p.cut = true
	pairs := p.takePairsLocked()
	p.mu.Unlock()
	for _, pp := range pairs {
		pp.close()
	}
}

// Stall stops forwarding on every connection, open and new, until Restore.
func (p *Proxy) Stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	shut(&p.up)
	shut(&p.down)
}

// StallReplies holds what the service sends back until Restore, while
// requests still reach it.
func (p *Proxy) StallReplies() {
	p.mu.Lock()
	defer p.mu.Unlock()
	shut(&p.down)
}

// Restore ends a Cut or a Stall: new connections are accepted and
// everything is forwarded again (held bytes first).
func (p *Proxy) Restore() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = false
	for _, g := range []chan struct{}{p.up, p.down} {
		select {
		case <-g:
		default:
			close(g)
		}
	}
}

func openGate() chan struct{} {
	g := make(chan struct{})
	close(g)
	return g
}

// shut makes a gate hold: an open gate (a closed channel) is replaced by a
// new channel, which Restore closes.
func shut(g *chan struct{}) {
	select {
	case <-*g:
		*g = make(chan struct{})
	default: // already shut
	}
}

func (p *Proxy) takePairsLocked() []*proxyPair {
	list := make([]*proxyPair, 0, len(p.pairs))
	for pp := range p.pairs {
		list = append(list, pp)
	}
	clear(p.pairs)
	return list
}

func (p *Proxy) close() {
	p.mu.Lock()
	p.closed = true
	pairs := p.takePairsLocked()
	p.mu.Unlock()
	_ = p.ln.Close()
	for _, pp := range pairs {
		pp.close()
	}
	p.wg.Wait()
}

func (p *Proxy) acceptLoop() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		p.mu.Lock()
		cut := p.cut || p.closed
		p.mu.Unlock()
		if cut {
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // reset, as a port nobody listens on would
			}
			_ = c.Close()
			continue
		}
		p.wg.Add(1)
		go p.connect(c)
	}
}

// connect dials the target for client c and starts forwarding.
func (p *Proxy) connect(c net.Conn) {
	defer p.wg.Done()
	s, err := net.DialTimeout("tcp", p.target, proxyDialTimeout)
	if err != nil {
		_ = c.Close()
		return
	}
	pp := &proxyPair{client: c, server: s, done: make(chan struct{})}
	p.mu.Lock()
	if p.cut || p.closed {
		p.mu.Unlock()
		pp.close()
		return
	}
	p.pairs[pp] = struct{}{}
	p.wg.Add(2)
	p.mu.Unlock()
	go p.pump(pp, c, s, &p.up)
	go p.pump(pp, s, c, &p.down)
}

// pump copies src to dst, holding each chunk while *gate is shut; when
// either side ends, the pair is closed.
func (p *Proxy) pump(pp *proxyPair, src, dst net.Conn, gate *chan struct{}) {
	defer p.wg.Done()
	defer func() {
		pp.close()
		p.mu.Lock()
		delete(p.pairs, pp)
		p.mu.Unlock()
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			g := *gate
			p.mu.Unlock()
			select {
			case <-g:
			case <-pp.done:
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
