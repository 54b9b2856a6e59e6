package demo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
)

// Demo picture and video sizes.
const (
	skyWidth, skyHeight = 480, 270 // pixels of the night-sky picture
	skyStars            = 220
	skySeed             = 42 // the sky is the same on every run
)

// nightSkyPNG draws a small night sky (stars and a crescent moon) as a PNG.
func nightSkyPNG() ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, skyWidth, skyHeight))
	for y := range skyHeight {
		// a gradient from deep blue at the top to a dusky horizon
		t := float64(y) / skyHeight
		c := color.RGBA{R: uint8(10 + 40*t), G: uint8(15 + 30*t), B: uint8(50 + 60*t), A: 255}
		for x := range skyWidth {
			img.SetRGBA(x, y, c)
		}
	}
	rng := rand.New(rand.NewPCG(skySeed, skySeed))
	for range skyStars {
		x, y := rng.IntN(skyWidth), rng.IntN(skyHeight*4/5)
		v := uint8(160 + rng.IntN(96))
		img.SetRGBA(x, y, color.RGBA{R: v, G: v, B: uint8(min(255, int(v)+20)), A: 255})
	}
	// the moon: a bright disc with a darker disc cut out of it
	mx, my, r := float64(skyWidth)*0.78, float64(skyHeight)*0.28, 28.0
	for y := int(my - r); y <= int(my+r); y++ {
		for x := int(mx - r); x <= int(mx+r); x++ {
			in := math.Hypot(float64(x)-mx, float64(y)-my) <= r
			shadow := math.Hypot(float64(x)-mx+12, float64(y)-my+6) <= r
			if in && !shadow {
				img.SetRGBA(x, y, color.RGBA{R: 250, G: 240, B: 200, A: 255})
			}
		}
	}
	// the horizon: a dark hill line
	for x := range skyWidth {
		top := skyHeight - 20 - int(12*math.Sin(float64(x)/60))
		for y := top; y < skyHeight; y++ {
			img.SetRGBA(x, y, color.RGBA{R: 8, G: 12, B: 10, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("demo: encode the night sky: %w", err)
	}
	return buf.Bytes(), nil
}
