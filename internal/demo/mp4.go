package demo

import (
	"encoding/binary"
	"image/color"
	"math"
)

// The demo video: a small planet orbiting a star, encoded in Go without any
// codec library. Every frame is one H.264 (Constrained Baseline) IDR slice
// whose macroblocks are all I_PCM (raw samples), which any H.264 decoder
// plays; the stream is wrapped in an MP4 file with its index first, so it
// streams and seeks. It is large for its size (raw samples) but tiny in
// absolute terms.
const (
	videoWidth, videoHeight = 96, 64 // pixels; multiples of 16 (whole macroblocks)
	videoFPS                = 12     // frames per second
	videoFrames             = 36     // three seconds, one full orbit
	mbSize                  = 16     // macroblock side in luma samples
	h264Level               = 30     // level 3.0: plenty for raw macroblocks at this size
	mp4Timescale            = 1000   // movie time units per second
)

// orbitMP4 returns the demo video.
func orbitMP4() []byte {
	sps, pps := h264SPS(), h264PPS()
	samples := make([][]byte, videoFrames)
	for i := range samples {
		nal := h264IDR(i, orbitFrame(i))
		samples[i] = binary.BigEndian.AppendUint32(nil, uint32(len(nal)))
		samples[i] = append(samples[i], nal...)
	}
	return mp4File(sps, pps, samples)
}

// frame holds one picture in 4:2:0 YCbCr.
type frame struct {
	y      []byte // videoWidth x videoHeight
	cb, cr []byte // half size each way
}

// orbitFrame draws frame i: a dark sky, a yellow star in the middle and a
// blue planet on a circular orbit.
func orbitFrame(i int) frame {
	w, h := videoWidth, videoHeight
	f := frame{y: make([]byte, w*h), cb: make([]byte, w*h/4), cr: make([]byte, w*h/4)}
	angle := 2 * math.Pi * float64(i) / videoFrames
	px, py := float64(w)/2+30*math.Cos(angle), float64(h)/2+18*math.Sin(angle)
	colorAt := func(x, y float64) color.RGBA {
		switch {
		case math.Hypot(x-float64(w)/2, y-float64(h)/2) <= 8:
			return color.RGBA{R: 255, G: 210, B: 60, A: 255}
		case math.Hypot(x-px, y-py) <= 5:
			return color.RGBA{R: 70, G: 140, B: 255, A: 255}
		}
		return color.RGBA{R: 12, G: 16, B: 48, A: 255}
	}
	for y := range h {
		for x := range w {
			c := colorAt(float64(x)+0.5, float64(y)+0.5)
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			f.y[y*w+x] = videoRange(yy)
			if x%2 == 0 && y%2 == 0 {
				f.cb[(y/2)*(w/2)+x/2], f.cr[(y/2)*(w/2)+x/2] = videoRange(cb), videoRange(cr)
			}
		}
	}
	return f
}

// videoRange keeps a sample inside 16..235, where decoders expect video.
func videoRange(v uint8) uint8 { return min(max(v, 16), 235) }

// bitWriter writes an H.264 RBSP bit by bit.
type bitWriter struct {
	buf  []byte
	cur  byte
	nbit uint // bits used in cur
}

func (w *bitWriter) bit(b uint) {
	w.cur = w.cur<<1 | byte(b&1)
	w.nbit++
	if w.nbit == 8 {
		w.buf, w.cur, w.nbit = append(w.buf, w.cur), 0, 0
	}
}

// bits writes the n low bits of v, most significant first.
func (w *bitWriter) bits(v uint64, n int) {
	for i := n - 1; i >= 0; i-- {
		w.bit(uint(v >> uint(i)))
	}
}

// ue writes an unsigned Exp-Golomb code.
func (w *bitWriter) ue(v uint64) {
	v++
	n := 0
	for x := v; x > 1; x >>= 1 {
		n++
	}
	w.bits(0, n)
	w.bits(v, n+1)
}

// se writes a signed Exp-Golomb code.
func (w *bitWriter) se(v int64) {
	if v > 0 {
		w.ue(uint64(2*v - 1))
	} else {
		w.ue(uint64(-2 * v))
	}
}

// align pads with zero bits to a byte boundary.
func (w *bitWriter) align() {
	for w.nbit != 0 {
		w.bit(0)
	}
}

// trailing writes the RBSP stop bit and alignment and returns the bytes.
func (w *bitWriter) trailing() []byte {
	w.bit(1)
	w.align()
	return w.buf
}

// nal wraps an RBSP in a NAL unit header, inserting emulation-prevention
// bytes so no start code appears inside.
func nal(refIdc, typ byte, rbsp []byte) []byte {
	out := []byte{refIdc<<5 | typ}
	zeros := 0
	for _, b := range rbsp {
		if zeros >= 2 && b <= 3 {
			out = append(out, 3)
			zeros = 0
		}
		out = append(out, b)
		if b == 0 {
			zeros++
		} else {
			zeros = 0
		}
	}
	return out
}

// NAL unit types used.
const (
	nalIDR = 5
	nalSPS = 7
	nalPPS = 8
)

// h264SPS is the sequence parameter set: Constrained Baseline, frame
// numbers of 4 bits, picture order from the frame number (type 2).
func h264SPS() []byte {
	var w bitWriter
	w.bits(66, 8)   // profile_idc: Baseline
	w.bits(0xC0, 8) // constraint_set0 and set1: Constrained Baseline
	w.bits(h264Level, 8)
	w.ue(0)  // seq_parameter_set_id
	w.ue(0)  // log2_max_frame_num_minus4
	w.ue(2)  // pic_order_cnt_type
	w.ue(1)  // max_num_ref_frames
	w.bit(0) // gaps_in_frame_num_value_allowed_flag
	w.ue(videoWidth/mbSize - 1)
	w.ue(videoHeight/mbSize - 1)
	w.bit(1) // frame_mbs_only_flag
	w.bit(1) // direct_8x8_inference_flag
	w.bit(0) // frame_cropping_flag
	w.bit(0) // vui_parameters_present_flag
	return nal(3, nalSPS, w.trailing())
}

// h264PPS is the picture parameter set: CAVLC, one slice group.
func h264PPS() []byte {
	var w bitWriter
	w.ue(0)      // pic_parameter_set_id
	w.ue(0)      // seq_parameter_set_id
	w.bit(0)     // entropy_coding_mode_flag: CAVLC
	w.bit(0)     // bottom_field_pic_order_in_frame_present_flag
	w.ue(0)      // num_slice_groups_minus1
	w.ue(0)      // num_ref_idx_l0_default_active_minus1
	w.ue(0)      // num_ref_idx_l1_default_active_minus1
	w.bit(0)     // weighted_pred_flag
	w.bits(0, 2) // weighted_bipred_idc
	w.se(0)      // pic_init_qp_minus26
	w.se(0)      // pic_init_qs_minus26
	w.se(0)      // chroma_qp_index_offset
	w.bit(1)     // deblocking_filter_control_present_flag
	w.bit(0)     // constrained_intra_pred_flag
	w.bit(0)     // redundant_pic_cnt_present_flag
	return nal(3, nalPPS, w.trailing())
}

// mbTypeIPCM is mb_type I_PCM in an I slice.
const mbTypeIPCM = 25

// h264IDR encodes frame f as IDR picture number i: one I slice of I_PCM
// macroblocks, without deblocking.
func h264IDR(i int, f frame) []byte {
	var w bitWriter
	w.ue(0)                 // first_mb_in_slice
	w.ue(7)                 // slice_type: I (all slices of the picture)
	w.ue(0)                 // pic_parameter_set_id
	w.bits(0, 4)            // frame_num (0 in an IDR picture)
	w.ue(uint64(i % 65536)) // idr_pic_id: differs between consecutive IDR pictures
	w.bit(0)                // no_output_of_prior_pics_flag
	w.bit(0)                // long_term_reference_flag
	w.se(0)                 // slice_qp_delta
	w.ue(1)                 // disable_deblocking_filter_idc: off
	cw := videoWidth / 2
	for mby := range videoHeight / mbSize {
		for mbx := range videoWidth / mbSize {
			w.ue(mbTypeIPCM)
			w.align() // pcm_alignment_zero_bit
			for y := range mbSize {
				row := (mby*mbSize+y)*videoWidth + mbx*mbSize
				w.buf = append(w.buf, f.y[row:row+mbSize]...)
			}
			for _, plane := range [][]byte{f.cb, f.cr} {
				for y := range mbSize / 2 {
					row := (mby*mbSize/2+y)*cw + mbx*mbSize/2
					w.buf = append(w.buf, plane[row:row+mbSize/2]...)
				}
			}
		}
	}
	return nal(3, nalIDR, w.trailing())
}

// box returns an MP4 box of type typ around the parts.
func box(typ string, parts ...[]byte) []byte {
	n := 8
	for _, p := range parts {
		n += len(p)
	}
	out := binary.BigEndian.AppendUint32(make([]byte, 0, n), uint32(n))
	out = append(out, typ...)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// be builds big-endian fields: uint32 for int and uint32 values, uint16 for
// uint16 ones, raw bytes for strings and byte slices.
func be(fields ...any) []byte {
	var out []byte
	for _, f := range fields {
		switch v := f.(type) {
		case int:
			out = binary.BigEndian.AppendUint32(out, uint32(v))
		case uint32:
			out = binary.BigEndian.AppendUint32(out, v)
		case uint16:
			out = binary.BigEndian.AppendUint16(out, v)
		case uint8:
			out = append(out, v)
		case string:
			out = append(out, v...)
		case []byte:
			out = append(out, v...)
		}
	}
	return out
}

// unityMatrix is the identity transformation of mvhd and tkhd.
var unityMatrix = be(0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)

// mp4File wraps the samples (length-prefixed NAL units, one per frame, all
// key frames) in an MP4 file: ftyp, moov (the index), mdat.
func mp4File(sps, pps []byte, samples [][]byte) []byte {
	ftyp := box("ftyp", be("isom", 0x200, "isom", "iso2", "avc1", "mp41"))
	durationMs := len(samples) * mp4Timescale / videoFPS
	moov := func(mdatOffset int) []byte {
		mvhd := box("mvhd", be(0, 0, 0, mp4Timescale, durationMs, 0x00010000, uint16(0x0100), uint16(0), 0, 0),
			unityMatrix, be(0, 0, 0, 0, 0, 0, 2))
		tkhd := box("tkhd", be(0x00000003, 0, 0, 1, 0, durationMs, 0, 0, uint16(0), uint16(0), uint16(0), uint16(0)),
			unityMatrix, be(videoWidth<<16, videoHeight<<16))
		mdhd := box("mdhd", be(0, 0, 0, videoFPS, len(samples), uint16(0x55c4), uint16(0)))
		hdlr := box("hdlr", be(0, 0, "vide", 0, 0, 0, "VideoHandler\x00"))
		avcC := box("avcC", be(uint8(1), sps[1], sps[2], sps[3], uint8(0xFF), uint8(0xE1), uint16(len(sps)), sps,
			uint8(1), uint16(len(pps)), pps))
		compressor := make([]byte, 32)
		avc1 := box("avc1", make([]byte, 6), be(uint16(1), uint16(0), uint16(0), 0, 0, 0,
			uint16(videoWidth), uint16(videoHeight), 0x00480000, 0x00480000, 0, uint16(1)), compressor,
			be(uint16(0x0018), uint16(0xFFFF)), avcC)
		stsd := box("stsd", be(0, 1), avc1)
		stts := box("stts", be(0, 1, len(samples), 1))
		stsc := box("stsc", be(0, 1, 1, len(samples), 1))
		sizes := be(0, 0, len(samples))
		for _, s := range samples {
			sizes = be(sizes, len(s))
		}
		stsz := box("stsz", sizes)
		stco := box("stco", be(0, 1, mdatOffset))
		stbl := box("stbl", stsd, stts, stsc, stsz, stco)
		dinf := box("dinf", box("dref", be(0, 1), box("url ", be(1))))
		minf := box("minf", box("vmhd", be(1, uint16(0), uint16(0), uint16(0), uint16(0))), dinf, stbl)
		trak := box("trak", tkhd, box("mdia", mdhd, hdlr, minf))
		return box("moov", mvhd, trak)
	}
	offset := len(ftyp) + len(moov(0)) + 8 // the samples start after mdat's header
	var data []byte
	for _, s := range samples {
		data = append(data, s...)
	}
	return be(ftyp, moov(offset), box("mdat", data))
}
