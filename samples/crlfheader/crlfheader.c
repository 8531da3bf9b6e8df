/* crlfheader: a header value with a bare CR, an attempt at header injection.
 * The host must reject it rather than pass "Injected: b" on as a header. */
#include <stdio.h>

int main(void) {
    fputs("Content-Type: text/plain\nX-Bad: a\rInjected: b\n\nbody", stdout);
    return 0;
}
