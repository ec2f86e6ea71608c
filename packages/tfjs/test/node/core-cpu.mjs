// tfjs-core and one backend, as a small app writes it: tfjs-core alone registers no gradient.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { check } from './check.mjs';

await tf.setBackend('cpu');
check('@tensorflow/tfjs-core with @tensorflow/tfjs-backend-cpu');
