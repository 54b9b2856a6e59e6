package course

import (
	"context"

	"github.com/lyceumhq/lyceum/internal/lms"
)

// ForumAccess checks that actor may read the forum's threads (view_content)
// and returns the forum: what the live layer checks before subscribing a
// connection to the forum's topic. Errors are those of ListThreads.
func (s *Service) ForumAccess(ctx context.Context, actor *lms.User, forumID int64) (*lms.Forum, error) {
	f, _, err := s.forum(ctx, actor, forumID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// ThreadAccess checks that actor may read the thread (a member of its
// course, or an administrator) and returns it, without marking it read or
// loading its posts: what the live layer checks before subscribing a
// connection to the thread's topic. Errors are those of GetThread.
func (s *Service) ThreadAccess(ctx context.Context, actor *lms.User, threadID int64) (*lms.Thread, error) {
	t, _, err := s.thread(ctx, actor, threadID, lms.ActViewContent)
	if err != nil {
		return nil, err
	}
	return t, nil
}
