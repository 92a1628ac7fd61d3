/**
 * Data sets for the classification experiments: the synthetic peaks problem, Fashion-MNIST (IDX files) and
 * user tables in CSV. Everything arrives as a {@link org.layerbraid.mgrit.data.Split} of heap
 * {@link org.layerbraid.mgrit.data.DataSet}s, which copy themselves into the network's channels × batch layout on
 * demand.
 */
package org.layerbraid.mgrit.data;
