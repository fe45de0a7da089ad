/**
 * What the three services agree on: topic names and policies, the records that travel on
 * them and their JSON form. Nothing here knows about Spring.
 */
@NullMarked
package dev.walletpipeline.contracts;

import org.jspecify.annotations.NullMarked;
