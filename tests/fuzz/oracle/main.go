// SPDX-License-Identifier: Apache-2.0
//
// The Go half of tests/fuzz/differential.sh: read one input on stdin and
// print the value as Go sees it, as sorted compact JSON, or "ERR <error>".
//
//	oracle json   encoding/json, numbers typed as Kubernetes types them
//	              (int64 if it fits, then uint64 as cflux keeps it, else
//	              float64)
//	oracle yaml   every document of a go-yaml v2 stream, keys converted as
//	              sigs.k8s.io/yaml converts them, as a JSON array
//
// Built in GOPATH mode against Debian's golang-gopkg-yaml.v2-dev.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"

	yaml "gopkg.in/yaml.v2"
)

// keys turns go-yaml's map[interface{}]interface{} into JSON-able maps the
// way sigs.k8s.io/yaml's convertToJSONableObject does.
func keys(v interface{}) (interface{}, error) {
	switch t := v.(type) {
	case map[interface{}]interface{}:
		m := map[string]interface{}{}
		for k, val := range t {
			var ks string
			switch kk := k.(type) {
			case string:
				ks = kk
			case int:
				ks = strconv.Itoa(kk)
			case int64:
				ks = strconv.FormatInt(kk, 10)
			case float64:
				ks = strconv.FormatFloat(kk, 'g', -1, 32)
				switch ks {
				case "+Inf":
					ks = ".inf"
				case "-Inf":
					ks = "-.inf"
				case "NaN":
					ks = ".nan"
				}
			case bool:
				ks = strconv.FormatBool(kk)
			default:
				return nil, fmt.Errorf("yaml: unsupported map key of type: %T", k)
			}
			c, err := keys(val)
			if err != nil {
				return nil, err
			}
			m[ks] = c
		}
		return m, nil
	case []interface{}:
		for i := range t {
			c, err := keys(t[i])
			if err != nil {
				return nil, err
			}
			t[i] = c
		}
	}
	return v, nil
}

// numbers types json.Number values as Kubernetes' unstructured decoding does.
func numbers(v interface{}) interface{} {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		if u, err := strconv.ParseUint(string(t), 10, 64); err == nil {
			return u
		}
		f, _ := t.Float64()
		return f
	case map[string]interface{}:
		for k, x := range t {
			t[k] = numbers(x)
		}
	case []interface{}:
		for i := range t {
			t[i] = numbers(t[i])
		}
	}
	return v
}

func fail(err error) {
	fmt.Println("ERR", err)
	os.Exit(0)
}

func main() {
	in, _ := io.ReadAll(os.Stdin)
	var out interface{}
	switch {
	case len(os.Args) == 2 && os.Args[1] == "json":
		// Unmarshal first: its syntax check and errors are the reference.
		var v interface{}
		if err := json.Unmarshal(in, &v); err != nil {
			fail(err)
		}
		d := json.NewDecoder(bytes.NewReader(in))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			fail(err)
		}
		out = numbers(v)
	case len(os.Args) == 2 && os.Args[1] == "yaml":
		dec := yaml.NewDecoder(bytes.NewReader(in))
		all := []interface{}{}
		for {
			var v interface{}
			err := dec.Decode(&v)
			if err == io.EOF {
				break
			}
			if err != nil {
				fail(err)
			}
			c, err := keys(v)
			if err != nil {
				fail(err)
			}
			all = append(all, c)
		}
		out = all
	default:
		fmt.Fprintln(os.Stderr, "usage: oracle json|yaml < input")
		os.Exit(2)
	}
	b, err := json.Marshal(out)
	if err != nil {
		fail(err)
	}
	fmt.Println(string(b))
}
