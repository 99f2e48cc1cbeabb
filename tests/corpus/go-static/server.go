// A static Go HTTP server and client (CGO_ENABLED=0): the Go runtime's threads, its
// signal-based preemption, netpoll (epoll) and goroutines under load.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:8080")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hull-corpus")
	}))
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := http.Get("http://127.0.0.1:8080/")
			if err != nil {
				errs <- err
				return
			}
			b, _ := io.ReadAll(r.Body)
			r.Body.Close()
			if string(b) != "hull-corpus" {
				errs <- fmt.Errorf("body %q", b)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("corpus ok")
}
