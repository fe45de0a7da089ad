/** What operators watch: gauges of money waiting, for the alerts in ops/prometheus. */
@NullMarked
package dev.walletpipeline.api.operations;

import org.jspecify.annotations.NullMarked;
