package signaling

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
	"github.com/rs/zerolog"
)

// iceTCPReadBuffer is the packets queued per ICE-TCP connection.
const iceTCPReadBuffer = 64

// Payload types of the codecs the server forwards. Only these are offered
// and accepted, so every participant uses the same payload formats.
const (
	ptOpus = 111
	ptVP8  = 96
	ptH264 = 102
)

// builtAPI is the pion API of a server and the sockets it opened.
type builtAPI struct {
	api     *webrtc.API
	closers []func() error // the muxes, closed by Server.Close
	udp     []net.Addr
	tcp     net.Addr
}

// newAPI builds the pion API of a server: codecs, interceptors and ICE
// settings.
func newAPI(cfg ICEConfig, log zerolog.Logger) (b builtAPI, err error) {
	m, err := newMediaEngine()
	if err != nil {
		return b, err
	}
	reg := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, reg); err != nil {
		return b, fmt.Errorf("signaling: interceptors: %w", err)
	}
	se := webrtc.SettingEngine{LoggerFactory: pionLogs{log: log}}
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	networks := []webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6}
	ipFilter := hostIPFilter(cfg)
	if cfg.Loopback {
		se.SetIncludeLoopbackCandidate(true)
		se.SetRemoteIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
		networks = []webrtc.NetworkType{webrtc.NetworkTypeUDP4}
	}
	if ipFilter != nil {
		se.SetIPFilter(ipFilter)
	}
	if len(cfg.Interfaces) > 0 && !cfg.Loopback {
		se.SetInterfaceFilter(func(name string) bool { return slices.Contains(cfg.Interfaces, name) })
	}
	if len(cfg.PublicIPs) > 0 {
		if err := se.SetICEAddressRewriteRules(webrtc.ICEAddressRewriteRule{
			External: cfg.PublicIPs, AsCandidateType: webrtc.ICECandidateTypeHost, Mode: webrtc.ICEAddressRewriteAppend,
		}); err != nil {
			return b, fmt.Errorf("signaling: public IPs: %w", err)
		}
	}
	defer func() { // on error, release what was opened
		if err != nil {
			for _, c := range b.closers {
				_ = c()
			}
		}
	}()
	if cfg.SingleUDPPort {
		opts := []ice.UDPMuxFromPortOption{ice.UDPMuxFromPortWithLogger(pionLogs{log: log}.NewLogger("udpmux")),
			ice.UDPMuxFromPortWithNetworks(ice.NetworkTypeUDP4, ice.NetworkTypeUDP6)}
		if cfg.Loopback {
			opts = append(opts, ice.UDPMuxFromPortWithLoopback(), ice.UDPMuxFromPortWithNetworks(ice.NetworkTypeUDP4))
		}
		if ipFilter != nil {
			opts = append(opts, ice.UDPMuxFromPortWithIPFilter(ipFilter))
		}
		if len(cfg.Interfaces) > 0 && !cfg.Loopback {
			opts = append(opts, ice.UDPMuxFromPortWithInterfaceFilter(func(name string) bool { return slices.Contains(cfg.Interfaces, name) }))
		}
		mux, err := ice.NewMultiUDPMuxFromPort(cfg.UDPPort, opts...)
		if err != nil {
			return b, fmt.Errorf("signaling: single UDP port %d: %w", cfg.UDPPort, err)
		}
		b.closers = append(b.closers, mux.Close)
		b.udp = mux.GetListenAddresses()
		se.SetICEUDPMux(mux)
	}
	if cfg.TCP {
		host := ""
		if cfg.Loopback {
			host = "127.0.0.1"
		} else if len(cfg.HostIPs) == 1 {
			host = cfg.HostIPs[0]
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(cfg.TCPPort)))
		if err != nil {
			return b, fmt.Errorf("signaling: ICE-TCP port %d: %w", cfg.TCPPort, err)
		}
		mux := webrtc.NewICETCPMux(pionLogs{log: log}.NewLogger("tcpmux"), ln, iceTCPReadBuffer)
		b.closers = append(b.closers, mux.Close)
		b.tcp = ln.Addr()
		se.SetICETCPMux(mux)
		networks = append(networks, webrtc.NetworkTypeTCP4)
		if !cfg.Loopback {
			networks = append(networks, webrtc.NetworkTypeTCP6)
		}
	}
	se.SetNetworkTypes(networks)
	b.api = webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se))
	return b, nil
}

// hostIPFilter is the local IP filter of cfg, or nil for none.
func hostIPFilter(cfg ICEConfig) func(net.IP) bool {
	if cfg.Loopback {
		return func(ip net.IP) bool { return ip.Equal(net.IPv4(127, 0, 0, 1)) }
	}
	if len(cfg.HostIPs) == 0 {
		return nil
	}
	ips := make([]net.IP, 0, len(cfg.HostIPs))
	for _, s := range cfg.HostIPs {
		if ip := net.ParseIP(s); ip != nil {
			ips = append(ips, ip)
		}
	}
	return func(ip net.IP) bool { return slices.ContainsFunc(ips, ip.Equal) }
}

// newMediaEngine registers the forwarded codecs (Opus, VP8, H.264 without
// RTX: retransmissions use the media SSRC) and the header extensions the
// server reads: audio level, and mid/rid for simulcast.
func newMediaEngine() (*webrtc.MediaEngine, error) {
	m := &webrtc.MediaEngine{}
	video := []webrtc.RTCPFeedback{{Type: "ccm", Parameter: "fir"}} // nack and pli come with the NACK interceptors
	codecs := []struct {
		p   webrtc.RTPCodecParameters
		typ webrtc.RTPCodecType
	}{
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2,
			SDPFmtpLine: "minptime=10;useinbandfec=1"}, PayloadType: ptOpus}, webrtc.RTPCodecTypeAudio},
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000,
			RTCPFeedback: video}, PayloadType: ptVP8}, webrtc.RTPCodecTypeVideo},
		{webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
			SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", RTCPFeedback: video}, PayloadType: ptH264},
			webrtc.RTPCodecTypeVideo},
	}
	for _, c := range codecs {
		if err := m.RegisterCodec(c.p, c.typ); err != nil {
			return nil, fmt.Errorf("signaling: codec %s: %w", c.p.MimeType, err)
		}
	}
	if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.AudioLevelURI}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, fmt.Errorf("signaling: audio level extension: %w", err)
	}
	return m, nil
}

// clientICEServers returns the ICE servers to hand to participant, with
// time-limited TURN credentials when a secret is configured.
func clientICEServers(cfg ICEConfig, participant string, now time.Time) []ICEServer {
	out := make([]ICEServer, 0, len(cfg.Servers))
	for _, s := range cfg.Servers {
		s.URLs = slices.Clone(s.URLs)
		if cfg.TURNSecret != "" && slices.ContainsFunc(s.URLs, isTURN) {
			s.Username, s.Credential = TURNCredentials(cfg.TURNSecret, participant, now.Add(cfg.TURNCredentialTTL))
		}
		out = append(out, s)
	}
	return out
}

func isTURN(url string) bool {
	return strings.HasPrefix(url, "turn:") || strings.HasPrefix(url, "turns:")
}

// TURNCredentials returns a TURN username and password valid until expiry
// for a TURN server sharing secret (coturn's use-auth-secret, the "TURN REST
// API" convention): the username is "<expiry unix seconds>:<user>" and the
// password base64(HMAC-SHA1(secret, username)).
func TURNCredentials(secret, user string, expiry time.Time) (username, password string) {
	username = strconv.FormatInt(expiry.Unix(), 10) + ":" + user
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(username))
	return username, base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// errNoCodec is returned by a down track's Bind when the subscriber
// supports none of the publisher's codec.
var errNoCodec = errors.New("signaling: subscriber does not support the track's codec")
