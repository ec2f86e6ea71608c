// The import a TensorFlow.js app writes first.
import * as tf from '@tensorflow/tfjs';
import { check } from './check.mjs';

await tf.setBackend('cpu');
check('@tensorflow/tfjs');
