/**
 * Sign-in with Google (OpenID Connect, authorization code with PKCE, state and nonce
 * bound to the attempt), first-sign-in creation of user and wallet, and our own tokens:
 * short-lived ES256 access JWTs with a published JWKS, and rotated, hashed refresh
 * tokens.
 */
@NullMarked
package dev.walletpipeline.api.signin;

import org.jspecify.annotations.NullMarked;
