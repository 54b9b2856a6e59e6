package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeSelfSignedCert writes a certificate and key for 127.0.0.1 and
// returns their paths.
func writeSelfSignedCert(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "lyceum test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return certFile, keyFile
}

// TestServeTLS: with a certificate and key a small school serves HTTPS
// itself, links use https and the session cookie is Secure.
func TestServeTLS(t *testing.T) {
	cert, key := writeSelfSignedCert(t)
	n := startTestNode(t, map[string]string{"LYCEUM_TLS_CERT": cert, "LYCEUM_TLS_KEY": key})
	if !strings.HasPrefix(n.cfg.PublicURL, "https://127.0.0.1:") {
		t.Fatalf("public URL %q, want https", n.cfg.PublicURL)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	url := "https://" + n.addr()
	resp, err := client.Get(url + "/api/v1/site")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil {
		t.Fatalf("GET over TLS: %d", resp.StatusCode)
	}
	setup := n.setupLink(t)
	if !strings.HasPrefix(setup, "https://") {
		t.Errorf("setup link %q is not https", setup)
	}
	token := setup[strings.Index(setup, "token=")+len("token="):]
	body := `{"token":"` + token + `","email":"a@school.example","username":"ada","name":"Ada","password":"long enough pw"}`
	req, _ := http.NewRequest("POST", url+"/api/v1/setup", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", url)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("setup over TLS: %d", resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "lyceum_session" && !c.Secure {
			t.Error("the session cookie is not Secure over TLS")
		}
	}
}
