package main

import (
	"fmt"
	"strconv"

	"github.com/lyceumhq/lyceum/internal/mail"
)

// mailSettings are the SMTP settings; without a host and a from address,
// email is off.
func mailSettings() []setting {
	str := func(dst func(*Config) *string) func(*Config, string) error {
		return func(c *Config, v string) error { *dst(c) = v; return nil }
	}
	return []setting{
		{"LYCEUM_SMTP_HOST", "", "", "SMTP server for email; empty: email is off", str(func(c *Config) *string { return &c.Mail.Host })},
		{"LYCEUM_SMTP_PORT", "", "587", "SMTP port", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 65535 {
				return fmt.Errorf("want a port number")
			}
			c.Mail.Port = n
			return nil
		}},
		{"LYCEUM_SMTP_TLS", "", "starttls", "starttls (required), tls (from the first byte, port 465) or none", func(c *Config, v string) error {
			switch v {
			case mail.TLSStartTLS, mail.TLSImplicit, mail.TLSNone:
				c.Mail.TLS = v
				return nil
			}
			return fmt.Errorf("want starttls, tls or none")
		}},
		{"LYCEUM_SMTP_USER", "", "", "SMTP user name; empty: no authentication", str(func(c *Config) *string { return &c.Mail.User })},
		{"LYCEUM_SMTP_PASSWORD", "", "", "SMTP password", str(func(c *Config) *string { return &c.Mail.Password })},
		{"LYCEUM_SMTP_FROM", "", "", "sender address of emails, e.g. Lyceum <lyceum@school.example>", str(func(c *Config) *string { return &c.Mail.From })},
	}
}
