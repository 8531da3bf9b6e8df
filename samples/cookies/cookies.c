/* cookies: several Set-Cookie lines; the host must keep every one, in order. */
#include <stdio.h>

int main(void) {
    fputs("Content-Type: text/plain\n"
          "Set-Cookie: a=1; Path=/\n"
          "Set-Cookie: b=2; HttpOnly\n"
          "Set-Cookie: c=3; Secure; SameSite=Lax\n"
          "\n"
          "cookies\n",
          stdout);
    return 0;
}
