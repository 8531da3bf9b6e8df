;; stackoverflow: unbounded, non-tail recursion (the result is used after the
;; call returns), so it exhausts the native call stack: wasmtime traps with
;; "call stack exhausted".
(module
  (memory (export "memory") 1)
  (func $down (param $depth i32) (result i32)
    (i32.add
      (call $down (i32.add (local.get $depth) (i32.const 1)))
      (local.get $depth)))
  (func (export "_start")
    (drop (call $down (i32.const 0)))))
