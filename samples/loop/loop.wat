;; loop: spins forever without calling the host; only a deadline
;; (epoch interruption) can stop it.
(module
  (memory (export "memory") 1)
  (global $spins (mut i64) (i64.const 0))
  (func (export "_start")
    (loop $forever
      (global.set $spins (i64.add (global.get $spins) (i64.const 1)))
      (br $forever))))
