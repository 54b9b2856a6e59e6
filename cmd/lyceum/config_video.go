package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/lyceumhq/lyceum/signaling"
)

// VideoConfig is the live video part of Config: where the SFU listens and
// what browsers are told about STUN and TURN (docs/operations.md).
type VideoConfig struct {
	ICE             signaling.ICEConfig
	MaxParticipants int // per live session
	MaxPublishers   int // per live session
}

// videoSettings are the live video settings (ICE, TURN, limits).
func videoSettings() []setting {
	ips := func(dst func(*Config) *[]string) func(*Config, string) error {
		return func(c *Config, v string) error {
			list := splitList(v)
			for _, ip := range list {
				if net.ParseIP(ip) == nil {
					return fmt.Errorf("want IP addresses separated by commas, e.g. 192.0.2.10,10.0.0.5")
				}
			}
			*dst(c) = list
			return nil
		}
	}
	port := func(set func(*Config, int)) func(*Config, string) error {
		return func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 65535 {
				return fmt.Errorf("want a port number (0 to turn it off)")
			}
			set(c, n)
			return nil
		}
	}
	count := func(set func(*Config, int)) func(*Config, string) error {
		return func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("want a positive number")
			}
			set(c, n)
			return nil
		}
	}
	return []setting{
		{"LYCEUM_ICE_HOST_IPS", "", "", "live video: the local IPs the SFU offers to browsers (comma-separated); empty for every non-loopback interface address",
			ips(func(c *Config) *[]string { return &c.Video.ICE.HostIPs })},
		{"LYCEUM_ICE_PUBLIC_IPS", "", "", "live video: public IPs of a 1:1 NAT in front of the server, offered with the same ports",
			ips(func(c *Config) *[]string { return &c.Video.ICE.PublicIPs })},
		{"LYCEUM_ICE_UDP_PORT", "", "0", "live video: one UDP port for all media (a firewall needs one rule); 0 for an ephemeral port per participant",
			port(func(c *Config, n int) { c.Video.ICE.SingleUDPPort, c.Video.ICE.UDPPort = n > 0, n })},
		{"LYCEUM_ICE_TCP_PORT", "", "0", "live video: ICE-TCP port for networks that block UDP; 0 turns TCP off",
			port(func(c *Config, n int) { c.Video.ICE.TCP, c.Video.ICE.TCPPort = n > 0, n })},
		{"LYCEUM_ICE_SERVERS", "", "", "live video: STUN/TURN URLs handed to browsers, comma-separated (stun:turn.school.example:3478,turn:turn.school.example:3478)", func(c *Config, v string) error {
			var servers []signaling.ICEServer
			for _, u := range splitList(v) {
				if !strings.HasPrefix(u, "stun:") && !strings.HasPrefix(u, "turn:") && !strings.HasPrefix(u, "turns:") {
					return fmt.Errorf("want stun:, turn: or turns: URLs separated by commas")
				}
				servers = append(servers, signaling.ICEServer{URLs: []string{u}})
			}
			c.Video.ICE.Servers = servers
			return nil
		}},
		{"LYCEUM_TURN_SECRET", "", "", "live video: shared secret of the TURN server (coturn use-auth-secret); browsers get credentials valid for 12 h",
			func(c *Config, v string) error { c.Video.ICE.TURNSecret = v; return nil }},
		{"LYCEUM_ICE_LOOPBACK", "", "false", "live video: offer 127.0.0.1 only (one-machine demos and tests)", func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("want true or false")
			}
			c.Video.ICE.Loopback = b
			return nil
		}},
		{"LYCEUM_VIDEO_MAX_PARTICIPANTS", "", "200", "live video: participants per live session",
			count(func(c *Config, n int) { c.Video.MaxParticipants = n })},
		{"LYCEUM_VIDEO_MAX_PUBLISHERS", "", "16", "live video: participants sending media at once per live session",
			count(func(c *Config, n int) { c.Video.MaxPublishers = n })},
	}
}

// splitList splits a comma-separated value, dropping empty items.
func splitList(v string) []string {
	var out []string
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
