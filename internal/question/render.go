package question

// Question Markdown (stems, choices, matching stems, ordering items,
// feedback) is shown as HTML the server renders and sanitises, as lessons
// are: the caller passes the renderer (course.RenderMarkdown), so this
// package stays free of it. Matching answers and drop-down options stay
// plain text (they are <option>s), and so does the text of fill in the
// blanks (its [[ID]] gaps become inputs in the browser).

// RenderMarkdown fills v's HTML fields with render's output.
func (v *View) RenderMarkdown(render func(string) string) {
	if v.Type != "blanks" && v.TextMD != "" {
		v.TextHTML = render(v.TextMD)
	}
	for _, list := range [][]Option{v.Choices, v.Stems, v.Items} {
		for i := range list {
			if list[i].Text != "" {
				list[i].HTML = render(list[i].Text)
			}
		}
	}
}

// RenderMarkdown fills r's HTML fields (its view's too) with render's
// output.
func (r *Review) RenderMarkdown(render func(string) string) {
	r.View.RenderMarkdown(render)
	for i := range r.Parts {
		if r.Parts[i].FeedbackMD != "" {
			r.Parts[i].FeedbackHTML = render(r.Parts[i].FeedbackMD)
		}
	}
	if r.GeneralFeedbackMD != "" {
		r.GeneralFeedbackHTML = render(r.GeneralFeedbackMD)
	}
}
