// echo in Go (standard library only, GOOS=wasip1 GOARCH=wasm).
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
)

func run() error {
	out := bufio.NewWriterSize(os.Stdout, 65536)
	if _, err := out.WriteString("Content-Type: application/octet-stream\n\n"); err != nil {
		return err
	}
	env := os.Environ()
	sort.Strings(env) // byte-wise comparison
	for _, entry := range env {
		if _, err := out.WriteString("env " + entry + "\n"); err != nil {
			return err
		}
	}
	for _, arg := range os.Args {
		if _, err := out.WriteString("arg " + arg + "\n"); err != nil {
			return err
		}
	}
	if err := out.WriteByte('\n'); err != nil {
		return err
	}
	if _, err := io.Copy(out, os.Stdin); err != nil {
		return err
	}
	return out.Flush()
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "echo:", err)
		os.Exit(1)
	}
}
