package demo

import "fmt"

// The demo lessons' Markdown.

const welcomeMD = `# Welcome!

This course is a gentle first look at astronomy. Each week has a few short
lessons; mark each one **complete** when you have worked through it, and your
progress bar on the dashboard fills up.

## How the course works

1. Read the lessons of the week, in order.
2. Ask questions in the **discussion board** (the instructor and the TA
   answer there) or in the course's **chat room** during class.
3. Try the short exercise at the end of each lesson.

> The sky is the same for everyone: all you need is a clear night and your eyes.

Exercise: find a spot with a clear view of the sky and note the time the first
star appears after sunset.
`

// nightSkyMD is the lesson with the picture (imageURL "" when the site
// stores no uploads).
func nightSkyMD(imageURL string) string {
	picture := "_(The picture of this lesson could not be stored: uploads are disabled on this site.)_"
	if imageURL != "" {
		picture = fmt.Sprintf("![A night sky with a crescent moon over a hill](%s)", imageURL)
	}
	return `Stars do not all look alike: some are brighter, some are slightly coloured,
and the Moon changes its shape from night to night.

` + picture + `

## What to look for

| Object        | How to recognise it                        |
|---------------|--------------------------------------------|
| Stars         | twinkle; keep their places in the patterns |
| Planets       | steady light; wander among the stars       |
| The Moon      | changes phase over about 29.5 days         |

Exercise: sketch the Moon on three evenings this week. Which way does the lit
side face?
`
}

// orbitMD is the lesson with the video (videoURL "" when the site stores no
// uploads).
func orbitMD(videoURL string) string {
	player := "_(The animation of this lesson could not be stored: uploads are disabled on this site.)_"
	if videoURL != "" {
		player = fmt.Sprintf("<video controls loop muted src=%q width=\"384\" height=\"256\"></video>", videoURL)
	}
	return `A planet moves around its star on an almost circular path, its **orbit**.
The short animation below shows one full orbit, much faster than in nature.

` + player + `

The Earth takes a year for one orbit; Jupiter, farther out, takes about twelve.
For a real view of the planets' motion, see NASA's
[Eyes on the Solar System](https://eyes.nasa.gov/apps/solar-system/).

Exercise: if a planet takes 3 seconds per orbit in the animation and the Earth
a year, how many real days does one second of the animation stand for?
`
}

const codeMD = "Astronomers measure positions as **angles**. A few lines of Python convert\n" +
	"an object's angular size and distance into its real size:\n\n" +
	"```python\n" +
	"import math\n\n" +
	"def real_size(distance_km, angle_degrees):\n" +
	"    \"\"\"Size of an object seen under angle_degrees at distance_km.\"\"\"\n" +
	"    return 2 * distance_km * math.tan(math.radians(angle_degrees) / 2)\n\n" +
	"print(round(real_size(384_400, 0.52)))  # the Moon: about 3490 km\n" +
	"```\n\n" +
	"Exercise: the Sun appears about as large as the Moon (0.53 degrees) but is\n" +
	"about 150 million km away. How large is it?\n"
