;; membomb: grows linear memory one 64 KiB page at a time and writes into each
;; new page, without end. When memory.grow fails (host limit or the 4 GiB wasm32
;; ceiling) it executes `unreachable`.
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (local $page i32)
    (loop $grow
      (local.set $page (memory.grow (i32.const 1)))
      (if (i32.eq (local.get $page) (i32.const -1))
        (then unreachable))
      ;; touch the new page so it is really committed
      (i32.store8 (i32.shl (local.get $page) (i32.const 16)) (i32.const 1))
      (br $grow))))
