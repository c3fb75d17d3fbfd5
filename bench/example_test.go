package bench_test

import (
	"encoding/json"
	"fmt"

	"github.com/cookiecodec/cookiecodec/bench"
)

func ExampleS() {
	b, _ := json.Marshal(bench.S())
	fmt.Println(len(b), "bytes")
	fmt.Println(string(b[:40]))
	// Output:
	// 255 bytes
	// {"_fresh":true,"csrf_token":"9f86d081884
}

func ExamplePayload() {
	for _, n := range bench.ScalingSizes {
		b, _ := json.Marshal(bench.Payload(n))
		fmt.Println(n, len(b))
	}
	b, _ := json.Marshal(bench.Payload(64))
	fmt.Println(string(b))
	// Output:
	// 64 64
	// 256 256
	// 1024 1024
	// 4096 4096
	// 16384 16384
	// {"k0000":"anAN0boBO1cpCP2dqDQ3erER","k0001":"huHU7ivIV8jwJW9kx"}
}
