import { z } from 'zod';
import { datasetNamed, datasetNames, type Dataset } from './bundle.datasets.js';

/** A dataset's name in a download's path: one of the bundle's, as its dataset. */
export const datasetParam = z.enum(datasetNames as [string, ...string[]]).transform((name): Dataset => datasetNamed(name)!);
