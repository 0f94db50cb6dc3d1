// Package image checks the operator's OCI image as `make image` writes it
// (bin/incident-operator.tar, an OCI image layout in a tar), by reading the
// layout itself: index, manifest, config and layers, every blob checked
// against its digest. No container runtime is needed.
//
//	make image && go test ./test/image -v
package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// archivePath is the image to check: $IMAGE_ARCHIVE, else make image's.
func archivePath() string {
	if p := os.Getenv("IMAGE_ARCHIVE"); p != "" {
		return p
	}
	return filepath.Join("..", "..", "bin", "incident-operator.tar")
}

type descriptor struct {
	MediaType string `json:"mediaType"`
	Digest    string `json:"digest"`
	Size      int64  `json:"size"`
}

type manifest struct {
	MediaType string       `json:"mediaType"`
	Config    descriptor   `json:"config"`
	Layers    []descriptor `json:"layers"`
	Manifests []descriptor `json:"manifests"` // an index
}

type config struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Config       struct {
		User       string            `json:"User"`
		Entrypoint []string          `json:"Entrypoint"`
		Cmd        []string          `json:"Cmd"`
		Env        []string          `json:"Env"`
		Labels     map[string]string `json:"Labels"`
	} `json:"config"`
	RootFS struct {
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
}

// file is a regular file, link or directory of the image's filesystem.
type file struct {
	hdr  *tar.Header
	data []byte
}

// image is the OCI layout read from the archive.
type image struct {
	blobs  map[string][]byte // by digest
	config config
	layers []descriptor
	files  map[string]file // by absolute path, the layers applied in order
}

func openImage(t *testing.T) *image {
	t.Helper()
	p := archivePath()
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("no image archive at %s: run `make image` first (it needs buildah or podman, no Docker daemon)", p)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	entries := map[string][]byte{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("reading %s: %v", p, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		entries[path.Clean(h.Name)] = data
	}
	if layout := entries["oci-layout"]; !bytes.Contains(layout, []byte(`"imageLayoutVersion"`)) {
		t.Fatalf("%s is not an OCI image layout (oci-layout: %q)", p, layout)
	}
	img := &image{blobs: map[string][]byte{}, files: map[string]file{}}
	for name, data := range entries {
		algo, hexDigest, ok := strings.Cut(strings.TrimPrefix(name, "blobs/"), "/")
		if !strings.HasPrefix(name, "blobs/") || !ok {
			continue
		}
		if algo != "sha256" {
			t.Fatalf("blob %s: only sha256 digests are expected", name)
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != hexDigest {
			t.Fatalf("blob %s does not match its digest", name)
		}
		img.blobs["sha256:"+hexDigest] = data
	}

	var index manifest
	mustJSON(t, entries["index.json"], &index)
	if len(index.Manifests) != 1 {
		t.Fatalf("index.json lists %d manifests, want the one image", len(index.Manifests))
	}
	var m manifest
	mustJSON(t, img.blob(t, index.Manifests[0]), &m)
	if m.Config.MediaType != "application/vnd.oci.image.config.v1+json" {
		t.Errorf("config media type %q, want the OCI one", m.Config.MediaType)
	}
	mustJSON(t, img.blob(t, m.Config), &img.config)
	img.layers = m.Layers
	if len(img.config.RootFS.DiffIDs) != len(m.Layers) {
		t.Fatalf("%d layers but %d diff_ids", len(m.Layers), len(img.config.RootFS.DiffIDs))
	}
	for i, l := range m.Layers {
		img.apply(t, l, img.config.RootFS.DiffIDs[i])
	}
	return img
}

func mustJSON(t *testing.T, data []byte, into any) {
	t.Helper()
	if err := json.Unmarshal(data, into); err != nil {
		t.Fatalf("%v in %s", err, data)
	}
}

func (img *image) blob(t *testing.T, d descriptor) []byte {
	t.Helper()
	data, ok := img.blobs[d.Digest]
	if !ok {
		t.Fatalf("blob %s (%s) is not in the archive", d.Digest, d.MediaType)
	}
	if int64(len(data)) != d.Size {
		t.Fatalf("blob %s is %d bytes, its descriptor says %d", d.Digest, len(data), d.Size)
	}
	return data
}

// apply unpacks a layer over the files so far, whiteouts included, and
// checks the uncompressed layer against its diff_id.
func (img *image) apply(t *testing.T, l descriptor, diffID string) {
	t.Helper()
	var r io.Reader = bytes.NewReader(img.blob(t, l))
	switch l.MediaType {
	case "application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.docker.image.rootfs.diff.tar.gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "application/vnd.oci.image.layer.v1.tar":
	default:
		t.Fatalf("layer %s: media type %s is not read here", l.Digest, l.MediaType)
	}
	h := sha256.New()
	tr := tar.NewReader(io.TeeReader(r, h))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("layer %s: %v", l.Digest, err)
		}
		name := path.Join("/", hdr.Name)
		dir, base := path.Split(name)
		switch {
		case base == ".wh..wh..opq":
			for p := range img.files {
				if strings.HasPrefix(p, dir) {
					delete(img.files, p)
				}
			}
			continue
		case strings.HasPrefix(base, ".wh."):
			gone := path.Join(dir, strings.TrimPrefix(base, ".wh."))
			for p := range img.files {
				if p == gone || strings.HasPrefix(p, gone+"/") {
					delete(img.files, p)
				}
			}
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		img.files[name] = file{hdr: hdr, data: data}
	}
	if _, err := io.Copy(io.Discard, io.TeeReader(r, h)); err != nil {
		t.Fatal(err)
	}
	if got := "sha256:" + hex.EncodeToString(h.Sum(nil)); got != diffID {
		t.Errorf("layer %s unpacks to %s, its diff_id says %s", l.Digest, got, diffID)
	}
}

func TestImage(t *testing.T) {
	img := openImage(t)
	c := img.config

	t.Run("runs the manager as non-root 65532", func(t *testing.T) {
		if c.Config.User != "65532:65532" && c.Config.User != "65532" {
			t.Errorf("User is %q, want 65532:65532 (non-root)", c.Config.User)
		}
		if !slices.Equal(c.Config.Entrypoint, []string{"/manager"}) {
			t.Errorf("Entrypoint is %q, want [/manager]", c.Config.Entrypoint)
		}
		if len(c.Config.Cmd) != 0 {
			t.Errorf("Cmd is %q: the manager takes its flags from the Deployment", c.Config.Cmd)
		}
		if c.OS != "linux" {
			t.Errorf("os is %q", c.OS)
		}
	})

	manager, ok := img.files["/manager"]
	t.Run("the manager is a static executable", func(t *testing.T) {
		if !ok {
			t.Fatalf("no /manager in the layers; the files are %v", img.names())
		}
		if manager.hdr.Typeflag != tar.TypeReg || manager.hdr.Mode&0o111 == 0 {
			t.Errorf("/manager is not an executable file (type %c, mode %o)", manager.hdr.Typeflag, manager.hdr.Mode)
		}
		if manager.hdr.Mode&0o6000 != 0 || manager.hdr.Mode&0o022 != 0 {
			t.Errorf("/manager has mode %o: no setuid, no write for group or others", manager.hdr.Mode)
		}
		bin, err := elf.NewFile(bytes.NewReader(manager.data))
		if err != nil {
			t.Fatalf("/manager is not an ELF binary: %v", err)
		}
		defer bin.Close()
		for _, p := range bin.Progs {
			if p.Type == elf.PT_INTERP {
				t.Error("/manager asks for a dynamic loader: build it with CGO_ENABLED=0")
			}
		}
		if libs, _ := bin.ImportedLibraries(); len(libs) > 0 {
			t.Errorf("/manager links %v: it must be static", libs)
		}
		if want := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[c.Architecture]; want != 0 && bin.Machine != want {
			t.Errorf("/manager is built for %v, the image says %s", bin.Machine, c.Architecture)
		}
	})

	t.Run("no shell and nothing else to run", func(t *testing.T) {
		shells := []string{"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox", "toybox"}
		for name, f := range img.files {
			if slices.Contains(shells, path.Base(name)) {
				t.Errorf("%s is in the image: it must have no shell", name)
			}
			if name != "/manager" && f.hdr.Typeflag == tar.TypeReg && f.hdr.Mode&0o111 != 0 {
				t.Errorf("%s is executable: the manager is the only program", name)
			}
		}
	})

	t.Run("time zone data: the plan's zone loads", func(t *testing.T) {
		// The manager embeds the zone database (time/tzdata in cmd/main.go);
		// a /usr/share/zoneinfo in the image would do as well.
		if _, ok := img.files["/usr/share/zoneinfo/Asia/Shanghai"]; ok {
			return
		}
		if !bytes.Contains(manager.data, []byte("Asia/Shanghai")) || !bytes.Contains(manager.data, []byte("TZif")) {
			t.Error("neither /usr/share/zoneinfo/Asia/Shanghai in the image nor the zone database embedded in /manager (import _ \"time/tzdata\")")
		}
	})

	t.Run("CA certificates for HTTPS receivers", func(t *testing.T) {
		ca, ok := img.files["/etc/ssl/certs/ca-certificates.crt"]
		if !ok || !bytes.Contains(ca.data, []byte("BEGIN CERTIFICATE")) {
			t.Error("no CA bundle at /etc/ssl/certs/ca-certificates.crt: the manager could not verify an HTTPS receiver")
		}
	})

	var compressed int64
	for _, l := range img.layers {
		compressed += l.Size
	}
	var unpacked int64
	for _, f := range img.files {
		unpacked += int64(len(f.data))
	}
	size := fmt.Sprintf("image %s: %d layer(s), %.1f MB compressed, %.1f MB unpacked; /manager %.1f MB",
		archivePath(), len(img.layers), float64(compressed)/1e6, float64(unpacked)/1e6, float64(len(manager.data))/1e6)
	t.Log(size)
}

func (img *image) names() []string {
	var out []string
	for n := range img.files {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
