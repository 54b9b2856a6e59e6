package auth

import (
	"os"
	"testing"

	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// TestMain drops the PostgreSQL databases storetest made for the tests.
func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
