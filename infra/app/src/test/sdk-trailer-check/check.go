// The read loop of go-genai's iterateResponseStream (api_client.go) over net/http, against the gateway.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
)

func main() {
	key := os.Getenv("GEMGATE_KEY")
	base := os.Getenv("GEMGATE_URL")
	if base == "" {
		base = "http://localhost:8080"
	}
	body := `{"contents":[{"parts":[{"text":"Tell me everything about the history of streaming protocols please"}]}],"generationConfig":{"maxOutputTokens":200}}`
	req, _ := http.NewRequest("POST", base+"/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", strings.NewReader(body))
	req.Header.Set("x-goog-api-key", strings.TrimSpace(key))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	r := bufio.NewScanner(resp.Body)
	r.Buffer(make([]byte, 1024), 268435456)
	chunks := 0
	for r.Scan() {
		line := r.Bytes()
		if len(line) == 0 {
			continue
		}
		prefix, data, _ := bytes.Cut(line, []byte(":"))
		switch string(prefix) {
		case "data":
			m := map[string]any{}
			if err := json.Unmarshal(data, &m); err != nil {
				panic(err)
			}
			chunks++
		default:
			fmt.Printf("invalid stream chunk: %s:%s (the SDK yields this as an error)\n", prefix, data)
		}
	}
	if r.Err() != nil {
		panic(r.Err())
	}
	io.Copy(io.Discard, resp.Body)
	fmt.Println("go net/http chunks", chunks, "trailer", resp.Trailer.Get("x-gemgate-cost-usd"))
}
