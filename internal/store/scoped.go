package store

import "context"

// Scoped adapts a Store to a consumer's interface S: a service declares the
// few store methods it uses in an interface of its own whose InTx hands out
// that same interface, and Scope[S](st) gives it one. Scoped[S] has every
// method of Store, with InTx narrowed to S.
type Scoped[S any] struct{ Store }

// InTx runs fn with the store bound to one transaction, seen as S.
func (s Scoped[S]) InTx(ctx context.Context, fn func(S) error) error {
	return s.Store.InTx(ctx, func(tx Store) error { return fn(Scope[S](tx)) })
}

// Scope returns st seen as the consumer interface S. It panics when Store
// does not implement S (a method S declares that no backend has): a wiring
// mistake that the first test which builds the service finds.
func Scope[S any](st Store) S {
	s, ok := any(Scoped[S]{st}).(S)
	if !ok {
		panic("store: Scope: the Store does not implement the consumer interface")
	}
	return s
}
