package hub_test

import (
	"testing"

	"github.com/lyceumhq/lyceum/hub"
	"github.com/lyceumhq/lyceum/hub/hubtest"
)

func TestMemoryBrokerSuite(t *testing.T) {
	hubtest.Suite{MaxNodes: 1, New: func(t *testing.T, n, history int) []hub.Broker {
		return []hub.Broker{hub.NewMemoryBroker(hub.MemoryBrokerConfig{HistorySize: history})}
	}}.Run(t)
}
