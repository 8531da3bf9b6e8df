;; trap: executes `unreachable` at once (wasmtime trap code: unreachable).
(module
  (memory (export "memory") 1)
  (func (export "_start")
    unreachable))
