// The Go function host, compiled into the function's own package (package main) at packaging:
// the function defines `func Handler(req Request) Response`, this file the types and main(),
// which serves HTTP on 127.0.0.1:$PORT. Requests run concurrently (a goroutine each). Go's
// output cannot be told apart per request, so only the end of each invocation's output is
// marked (see invocation-log.ts). A panic in Handler answers 500 with the request id; the panic
// and its stack go to stderr, never into the response.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// Request is one invocation: header names are lower case, repeated headers joined with ", ";
// Query holds the last value of each parameter.
type Request struct {
	Method  string
	Path    string
	Query   map[string]string
	Headers map[string]string
	Body    string
}

// Response is what Handler answers; Status 0 means 200.
type Response struct {
	Status  int
	Headers map[string]string
	Body    string
}

func requestOf(r *http.Request) (Request, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return Request{}, err
	}
	query := map[string]string{}
	for name, values := range r.URL.Query() {
		query[name] = values[len(values)-1]
	}
	headers := map[string]string{}
	for name, values := range r.Header {
		headers[strings.ToLower(name)] = strings.Join(values, ", ")
	}
	return Request{Method: r.Method, Path: r.URL.Path, Query: query, Headers: headers, Body: string(body)}, nil
}

func callHandler(req Request) (res Response, failure any, stack []byte) {
	defer func() {
		if recovered := recover(); recovered != nil {
			failure, stack = recovered, debug.Stack()
		}
	}()
	return Handler(req), nil, nil
}

func endOutput(id string) {
	fmt.Fprintf(os.Stdout, "\x1f%s\x1e\n", id)
	fmt.Fprintf(os.Stderr, "\x1f%s\x1e\n", id)
}

func serve(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("x-slipway-invocation")
	req, err := requestOf(r)
	if err != nil {
		endOutput(id)
		http.Error(w, "could not read the request body", http.StatusBadRequest)
		return
	}
	res, failure, stack := callHandler(req)
	if failure != nil {
		fmt.Fprintf(os.Stderr, "panic: %v\n\n%s", failure, stack)
		endOutput(id)
		w.Header().Set("content-type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "The function failed. Request id: %s\n", id)
		return
	}
	endOutput(id)
	for name, value := range res.Headers {
		w.Header().Set(name, value)
	}
	w.Header().Set("content-length", strconv.Itoa(len(res.Body)))
	status := res.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	io.WriteString(w, res.Body)
}

func main() {
	server := &http.Server{Addr: "127.0.0.1:" + os.Getenv("PORT"), Handler: http.HandlerFunc(serve)}
	if err := server.ListenAndServe(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
