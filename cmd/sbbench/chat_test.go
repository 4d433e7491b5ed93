package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestChatCommandsRefuseRemoteServers(t *testing.T) {
	t.Parallel()
	platform := map[string]bool{}
	for _, c := range subcommands() {
		if !strings.HasPrefix(c.name, "chat-") {
			platform[c.name] = true
		}
	}
	seen := map[string]bool{}
	for _, c := range chatSubcommands() {
		require.False(t, platform[c.name] || seen[c.name], "duplicate command %s", c.name)
		seen[c.name] = true
		err := c.run(context.Background(), []string{"-server", "http://192.0.2.1:8080"}, io.Discard, io.Discard)
		require.ErrorContains(t, err, "loopback", c.name)
	}
}

func TestChatFrames(t *testing.T) {
	t.Parallel()
	id := clientIDFor("sbt", 42, 17)
	require.Equal(t, "sbt000042-17", id)
	require.GreaterOrEqual(t, len(clientIDFor("sbc", 0, 0)), 8, "the server wants 8 to 64 characters")
	k, ok := counterOf(id)
	require.True(t, ok)
	require.EqualValues(t, 17, k)

	var f map[string]string
	require.NoError(t, json.Unmarshal(appendMessageFrame(nil, id, "conv-1", "t=123"), &f))
	require.Equal(t, map[string]string{"type": "message", "client_id": id, "conversation_id": "conv-1", "text": "t=123"}, f)

	require.Equal(t, "ack", frameType([]byte(`{"type":"ack","client_id":"x"}`)))
	require.Equal(t, "hello", frameType([]byte(`{"agents_online":true,"type":"hello"}`)), "maps are encoded with sorted keys")
	require.Empty(t, frameType([]byte(`not json`)))

	fr, err := decodeFrame([]byte(`{"type":"message","conversation_id":"c","seq":3,"message":{"sender_type":"visitor","text":"t=5","client_id":"sbl000001-2"}}`))
	require.NoError(t, err)
	require.EqualValues(t, 3, fr.Seq)
	require.Equal(t, "t=5", fr.Message.Text)

	require.True(t, plainText("Hello, world"))
	require.False(t, plainText(`say "hi"`))
	require.False(t, plainText("tab\there"))
}

func TestProcMemAndFiles(t *testing.T) {
	t.Parallel()
	rss, hwm, ok := procMem(os.Getpid())
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	require.True(t, ok)
	require.Positive(t, rss)
	require.GreaterOrEqual(t, hwm, rss)
	require.Positive(t, raiseNoFile())
	if raiseNoFile() < 1<<30 {
		require.ErrorContains(t, needFiles(1<<30), "open files")
	}
}

func TestErrKind(t *testing.T) {
	t.Parallel()
	require.Equal(t, "read_eof", errKind(stageError("read_eof")))
	require.Equal(t, "dial", errKind(stageError("dial: status 429: rate limited")))
	require.Equal(t, "eof", closeReason(io.EOF))
}

type stageError string

func (e stageError) Error() string { return string(e) }
