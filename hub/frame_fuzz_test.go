package hub

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeCommands checks the client frame decoder never panics, keeps
// its output bounded by its input, and only returns valid commands.
// Seed corpus: testdata/fuzz/FuzzDecodeCommands.
func FuzzDecodeCommands(f *testing.F) {
	for _, s := range []string{
		`{"type":"subscribe","id":1,"topic":"room:1","since":{"epoch":"ab12","offset":7}}`,
		`{"type":"publish","id":2,"topic":"room:1","key":"k","data":{"text":"hi"}}` + "\n" + `{"type":"ping","id":3}`,
		`{"type":"unsubscribe","id":4,"topic":"room:1"}`,
		`{"type":"presence","id":5,"topic":"room:1"}`,
		`[1,2,3]`, `{"id":-1}`, "\n\n", `{"type":"publish","id":1,"topic":"t","data":  [ 1 , 2 ] }`,
	} {
		f.Add([]byte(s))
	}
	const maxCommands = 16
	f.Fuzz(func(t *testing.T, msg []byte) {
		cmds, err := DecodeCommands(msg, maxCommands)
		if err != nil {
			if cmds != nil {
				t.Fatal("commands returned with an error")
			}
			return
		}
		if len(cmds) == 0 || len(cmds) > maxCommands {
			t.Fatalf("%d commands", len(cmds))
		}
		total := 0
		for _, c := range cmds {
			total += len(c.Topic) + len(c.Key) + len(c.Data) + len(c.Type)
			if c.Err != nil {
				continue
			}
			if c.ID == 0 {
				t.Fatal("valid command without id")
			}
			if c.Type != CmdPing && !ValidTopic(c.Topic) {
				t.Fatalf("valid command with bad topic %q", c.Topic)
			}
			if c.Type == CmdPublish && !json.Valid(c.Data) {
				t.Fatalf("publish with invalid data %q", c.Data)
			}
		}
		if total > len(msg) {
			t.Fatalf("decoded %d bytes of fields from a %d-byte message", total, len(msg))
		}
	})
}
